/**
 * Queued uploads (`Prefer: respond-async`) through the real server on
 * SQLite: the files go to the store, a job is queued, and the job run by
 * `runIngestJob` (what `alambique worker` and `serve`'s runner call) ends
 * with the report, or the error, that a synchronous upload answers.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxUnfinishedIngestJobs } from "../../knowledge/enqueue-ingest-job.js";
import { deflateBombPdf } from "../../knowledge/pdf-file.fixture.js";
import { runIngestJob } from "../../knowledge/run-ingest-job.js";
import { type ApiServer, agentSpec, emptyCatalog, startApiServer } from "./api-server.fixture.js";

const limits = { document: { decodedBytes: 16 * 2 ** 20 } };
let server: ApiServer;
const workDir = mkdtempSync(join(tmpdir(), "alq-ingest-jobs-"));
beforeAll(async () => {
  server = await startApiServer({
    maxUploadBytes: 256 * 1024,
    maxUploadFiles: 3,
    maxQueuedUploadBytes: 400 * 1024,
    knowledgeLimits: limits,
  });
  await server.call(server.other.admin, {
    method: "PUT",
    url: "/api/agents/bakery",
    payload: agentSpec("bakery"),
  });
});
afterAll(() => server.close());

const faq = "# Horarios\n\nAbrimos de lunes a sábado de 8:00 a 20:00. Los domingos, de 9:00 a 14:00.\n";
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

function form(files: [string, string | Uint8Array][]): FormData {
  const data = new FormData();
  for (const [name, content] of files) data.append("file", new Blob([content]), name);
  return data;
}

function queue(files: [string, string | Uint8Array][], key = server.other.admin) {
  return server.call(key, {
    method: "POST",
    url: "/api/agents/bakery/knowledge",
    payload: form(files),
    headers: { prefer: "return=minimal, respond-async" },
  });
}

const run = (jobId: string) =>
  runIngestJob({
    store: server.store,
    jobId,
    owner: "test-worker",
    leaseMs: 10_000,
    signal: new AbortController().signal,
    models: emptyCatalog,
    limits,
    workDir,
  });

describe("POST /api/agents/:name/knowledge with Prefer: respond-async", () => {
  it("answers 202 with the queued job, then the job's report is the synchronous one, a bad file skipped", async () => {
    const res = await queue([
      ["faq.md", faq],
      ["photo.png", png],
    ]);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers["preference-applied"]).toBe("respond-async");
    const job = res.json();
    expect(res.headers.location).toBe(`/api/knowledge/jobs/${job.id}`);
    expect(job).toMatchObject({
      kind: "ingest",
      agent: "bakery",
      status: "queued",
      stage: "queued",
      files: ["faq.md", "photo.png"],
      documents: { done: 0, total: 2 },
      report: null,
    });
    // Nothing is ingested by the request itself; the files wait in the store, the tenant's own.
    const tenantId = server.other.tenant.id;
    const agent = (await server.store.agents.getByName(tenantId, "bakery"))!;
    expect(await server.store.knowledge.listSources(tenantId, agent.id)).toEqual([]);
    expect((await server.store.uploads.list(tenantId, job.id)).map((f) => f.name)).toEqual([
      "faq.md",
      "photo.png",
    ]);
    expect(await server.store.uploads.list(server.operator.tenant.id, job.id)).toEqual([]);

    expect(await run(job.id)).toEqual({ outcome: "succeeded", error: null });
    const done = await server.call(server.other.admin, { url: res.headers.location as string });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: "succeeded",
      stage: "done",
      progress: 1,
      attempts: 1,
      documents: { done: 2, total: 2 },
      error: null,
      report: { added: ["faq.md"], skipped: [{ path: "photo.png", reason: expect.stringMatching(/./) }] },
    });
    expect(done.json().chunks).toBeGreaterThan(0);
    expect((await server.store.knowledge.listSources(tenantId, agent.id)).map((s) => s.uri)).toEqual([
      "faq.md",
    ]);
    // The job's files are gone from the store once it ended.
    expect(await server.store.uploads.tenantBytes(tenantId)).toBe(0);
    const list = await server.call(server.other.admin, { url: "/api/knowledge/jobs" });
    expect(list.json().data[0]).toMatchObject({ id: job.id, status: "succeeded" });
    // Another tenant's admin does not see it.
    const foreign = await server.call(server.operator.admin, { url: res.headers.location as string });
    expect(foreign.statusCode).toBe(404);
  });

  it("fails the job with the error a synchronous upload answers: document_too_large naming the file", async () => {
    const res = await queue([["bomba.pdf", deflateBombPdf(64 * 2 ** 20)]]);
    expect(res.statusCode, res.body).toBe(202);
    expect(await run(res.json().id)).toMatchObject({ outcome: "failed" });
    const failed = (await server.call(server.other.admin, { url: res.headers.location as string })).json();
    expect(failed).toMatchObject({
      status: "failed",
      report: null,
      error: { code: "document_too_large", status: 413, param: "bomba.pdf", hint: expect.any(String) },
    });
    expect(failed.error.message).toMatch(/knowledge\.limits\.document\.decodedBytes/);
    expect(await server.store.uploads.tenantBytes(server.other.tenant.id)).toBe(0);
  });

  it("keeps the route's caps, and bounds what one tenant holds queued: 413, nothing kept", async () => {
    const big = await queue([["big.md", `# Big\n\n${"x".repeat(300 * 1024)}`]]);
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe("file_too_large");
    // 200 KiB queued fits the tenant's 400 KiB; 200 KiB more does not, and that upload leaves nothing behind.
    const first = await queue([["one.md", `# One\n\n${"a ".repeat(100 * 1024)}`]]);
    expect(first.statusCode, first.body).toBe(202);
    const second = await queue([["two.md", `# Two\n\n${"b ".repeat(100 * 1024)}`]]);
    expect(second.statusCode, second.body).toBe(413);
    expect(second.json().error).toMatchObject({
      code: "upload_queue_full",
      message: expect.stringMatching(/wait for/),
    });
    const held = await server.store.uploads.tenantBytes(server.other.tenant.id);
    expect(held).toBe((await server.store.uploads.list(server.other.tenant.id, first.json().id))[0]!.bytes);
    // Another tenant's bound is its own.
    await server.call(server.operator.admin, {
      method: "PUT",
      url: "/api/agents/bakery",
      payload: agentSpec("bakery"),
    });
    const theirs = await queue([["two.md", `# Two\n\n${"b ".repeat(100 * 1024)}`]], server.operator.admin);
    expect(theirs.statusCode, theirs.body).toBe(202);
    expect(await run(first.json().id)).toMatchObject({ outcome: "succeeded" });
    expect(await server.store.uploads.tenantBytes(server.other.tenant.id)).toBe(0);
  });

  it("bounds how many unfinished jobs one tenant holds, whatever their size", async () => {
    const ids: string[] = [];
    for (let i = 0; i < maxUnfinishedIngestJobs; i++) {
      const queued = await queue([[`tiny-${i}.md`, "# Tiny\n\nPan.\n"]]);
      expect(queued.statusCode, queued.body).toBe(202);
      ids.push(queued.json().id);
    }
    const refused = await queue([["one-more.md", "# One more\n\nPan.\n"]]);
    expect(refused.statusCode, refused.body).toBe(413);
    expect(refused.json().error).toMatchObject({
      code: "upload_queue_full",
      message: expect.stringContaining(
        `this tenant already has ${maxUnfinishedIngestJobs} queued knowledge uploads not finished`,
      ),
    });
    // One finished makes room for one more.
    expect(await run(ids[0]!)).toMatchObject({ outcome: "succeeded" });
    const next = await queue([["one-more.md", "# One more\n\nPan.\n"]]);
    expect(next.statusCode, next.body).toBe(202);
  });
});
