/**
 * Queued knowledge uploads run by real `alambique worker` processes: on
 * SQLite, an upload queued through the HTTP route and one queued by
 * `knowledge add --queue`, each run by a worker (the bad file reported as
 * skipped in the job's report); on PostgreSQL, two workers share the job and
 * the one running it is killed with SIGKILL mid-job: the other takes it over
 * once its lease expires and finishes it, every document stored once.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueIngestJob } from "../../knowledge/enqueue-ingest-job.js";
import { readIngestJobState } from "../../knowledge/ingest-job-payload.js";
import { ingestSources } from "../../knowledge/ingest-sources.js";
import { emptyCatalog } from "../../server/api/api-server.fixture.js";
import { createServer } from "../../server/create-server.js";
import type { Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { describePostgres, freshPostgresUrl } from "../../store/postgres/postgres-test-server.fixture.js";
import { until } from "../../testing/until.fixture.js";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";
import { killLeaseHolder } from "./two-workers.fixture.js";

const demoKnowledge = "data/demo/knowledge";

describe("alambique worker --kinds ingest on SQLite", () => {
  it("runs an upload queued through the route, and one queued by `knowledge add --queue`", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-ingest-worker-"));
    const store = await openStore(join(data, "alambique.db"));
    const tenant = await defaultTenant(store);
    const agent = await store.agents.create({
      tenantId: tenant.id,
      name: "la-espiga",
      spec: { persona: "baker" },
    });
    const { secret } = await store.apiKeys.create({ tenantId: tenant.id, name: "admin", scopes: ["admin"] });
    const app = createServer({ store, models: emptyCatalog, uploadDir: join(data, "uploads") });
    try {
      const form = new FormData();
      form.append(
        "file",
        new Blob(["# Pedidos\n\nLos encargos se recogen a partir de las 9:00.\n"]),
        "pedidos.md",
      );
      form.append(
        "file",
        new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])]),
        "foto.png",
      );
      const queued = await app.inject({
        method: "POST",
        url: "/api/agents/la-espiga/knowledge",
        headers: { authorization: `Bearer ${secret}`, prefer: "respond-async" },
        payload: form,
      });
      expect(queued.statusCode, queued.body).toBe(202);

      const worker = spawnCli(["worker", "--kinds", "ingest", "--once", "--data", data]);
      expect(await worker.exited, worker.output().stderr).toBe(0);
      expect(worker.output().stderr).toMatch(new RegExp(`job ${queued.json().id} \\(ingest\\): succeeded`));
      const done = await app.inject({
        url: queued.headers.location!,
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(done.json()).toMatchObject({
        status: "succeeded",
        report: {
          added: ["pedidos.md"],
          skipped: [{ path: "foto.png", reason: expect.stringMatching(/./) }],
        },
      });

      // The command line: the same URIs as without --queue (relative to the current folder).
      const add = await runCli(["knowledge", "add", "la-espiga", demoKnowledge, "--queue", "--data", data]);
      expect(add.code, add.stderr).toBe(0);
      const jobId = add.stdout.trim();
      expect(add.stderr).toContain(`alambique knowledge jobs ${jobId}`);
      const listed = await runCli(["knowledge", "jobs", "--data", data]);
      expect(listed.stdout).toMatch(new RegExp(`^${jobId}\\s+la-espiga\\s+queued\\s+0/8\\s`, "m"));
      const again = await runCli(["worker", "--kinds", "ingest", "--once", "--data", data]);
      expect(again.code, again.stderr).toBe(0);
      const shown = JSON.parse(
        (await runCli(["knowledge", "jobs", jobId.slice(0, 12), "--json", "--data", data])).stdout,
      );
      expect(shown).toMatchObject({ status: "succeeded", documents: { done: 8, total: 8 } });
      expect(shown.report.added).toHaveLength(8);
      expect(shown.report.added).toContain(`${demoKnowledge}/horarios-y-festivos.md`);
      const uris = (await store.knowledge.listSources(tenant.id, agent.id)).map((s) => s.uri);
      expect(uris).toHaveLength(9);
      expect(await store.uploads.tenantBytes(tenant.id)).toBe(0);
    } finally {
      await app.close();
      await store.close();
    }
  }, 120_000);
});

const files = 16;

describePostgres("alambique worker --kinds ingest: two workers on one PostgreSQL", () => {
  it("finishes an ingestion whose worker was killed mid-job, each document stored once", async () => {
    const url = await freshPostgresUrl("ingest_workers");
    const store = await openStore(url);
    const workers: ReturnType<typeof spawnCli>[] = [];
    try {
      const tenant = await defaultTenant(store);
      const agent = await store.agents.create({
        tenantId: tenant.id,
        name: "la-espiga",
        spec: { persona: "baker" },
      });
      const dir = mkdtempSync(join(tmpdir(), "alq-ingest-pg-"));
      const names = Array.from({ length: files }, (_, i) => `doc-${String(i).padStart(2, "0")}.md`);
      for (const [i, name] of names.entries()) writeFileSync(join(dir, name), document(i));
      const job = await enqueueIngestJob({
        store,
        agent,
        files: names.map((name) => ({ name, path: join(dir, name) })),
        maxFileBytes: 2 ** 20,
      });
      const data = mkdtempSync(join(tmpdir(), "alq-ingest-pg-data-"));
      for (let i = 0; i < 2; i++) {
        workers.push(
          spawnCli(
            ["worker", "--kinds", "ingest", "--lease-ms", "2000", "--poll-ms", "200", "--data", data],
            {
              DATABASE_URL: url,
            },
          ),
        );
      }
      // Mid-job: some documents stored, not all.
      const holder = await until(
        async () => {
          const current = await store.jobs.get(job.id);
          const stored = (await store.knowledge.listSources(tenant.id, agent.id)).length;
          return current?.status === "running" && stored >= 1 && stored < files
            ? current.leaseOwner
            : undefined;
        },
        120_000,
        50,
      ); // the window between the first document and the last is short: look often
      const { done, survivor } = await killLeaseHolder(store, workers, holder, job.id);
      expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
      await survivor.waitFor(new RegExp(`job ${job.id} \\(ingest\\): succeeded`));
      const report = readIngestJobState(done.checkpoint, files).report!;
      // What the killed worker stored is found unchanged, the rest added: every file once.
      expect([...report.added, ...report.unchanged].sort()).toEqual(names);
      expect(report.unchanged.length).toBeGreaterThanOrEqual(1);

      const sources = await store.knowledge.listSources(tenant.id, agent.id);
      expect(sources.map((s) => s.uri).sort()).toEqual(names);
      // The chunks are those of one ingestion of the same files (none twice), counted in a fresh SQLite store.
      expect(Object.fromEntries(sources.map((s) => [s.uri, s.chunkCount]))).toEqual(
        await referenceChunkCounts(dir, names),
      );
      expect(await store.uploads.tenantBytes(tenant.id)).toBe(0);
      survivor.child.kill("SIGTERM");
      expect(await survivor.exited).toBe(0);
    } finally {
      for (const worker of workers) worker.child.kill("SIGKILL");
      await store.close();
    }
  }, 300_000);
});

/** A Markdown document of some 200 KB: read in a worker thread, stored in several batches. */
function document(i: number): string {
  const sections = Array.from(
    { length: 120 },
    (_, s) =>
      `## Sección ${s} del documento ${i}\n\n${`El pan de masa madre ${i}-${s} fermenta despacio y se hornea al alba. `.repeat(24)}\n`,
  );
  return `# Documento ${i}\n\n${sections.join("\n")}`;
}

async function referenceChunkCounts(dir: string, names: string[]): Promise<Record<string, number>> {
  const reference: Store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-ingest-ref-")), "ref.db"));
  try {
    const tenant = await defaultTenant(reference);
    const agent = await reference.agents.create({ tenantId: tenant.id, name: "ref", spec: {} });
    await ingestSources({
      store: reference,
      tenantId: tenant.id,
      agentId: agent.id,
      paths: names,
      baseDir: dir,
    });
    const sources = await reference.knowledge.listSources(tenant.id, agent.id);
    return Object.fromEntries(sources.map((s) => [s.uri, s.chunkCount]));
  } finally {
    await reference.close();
  }
}
