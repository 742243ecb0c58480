import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyCatalog } from "../server/api/api-server.fixture.js";
import { defaultTenant } from "../store/default-tenant.js";
import { openStore } from "../store/open-store.js";
import { INGEST_JOB_KIND, type IngestJobPayload, readIngestJobState } from "./ingest-job-payload.js";
import { runIngestJob } from "./run-ingest-job.js";

/** A job as a forged or stale row could leave it: the runner trusts neither its names nor its agent. */
async function plant(files: string[], agentId?: string) {
  const data = mkdtempSync(join(tmpdir(), "alq-run-ingest-"));
  const store = await openStore(join(data, "alambique.db"));
  const tenant = await defaultTenant(store);
  const agent = await store.agents.create({ tenantId: tenant.id, name: "bakery", spec: {} });
  for (const name of files) {
    await store.uploads.put({
      tenantId: tenant.id,
      uploadId: "u",
      name,
      data: new TextEncoder().encode("# Escaped\n"),
      maxTenantBytes: 1_000,
    });
  }
  const payload: IngestJobPayload = {
    agent: { id: agentId ?? agent.id, name: "bakery" },
    uploadId: "u",
    files,
    bytes: 10,
    maxFileBytes: 1_000,
  };
  const job = await store.jobs.enqueue({ kind: INGEST_JOB_KIND, tenantId: tenant.id, payload });
  await store.uploads.attach(tenant.id, "u", job.id);
  const workDir = join(data, "work", "deep");
  const run = () =>
    runIngestJob({
      store,
      jobId: job.id,
      owner: "w",
      leaseMs: 5_000,
      signal: new AbortController().signal,
      models: emptyCatalog,
      workDir,
    });
  return { store, tenant, job, run, data };
}

describe("runIngestJob on rows it cannot trust", () => {
  it("fails a job whose file name leaves its folder, writing nothing outside it", async () => {
    const { store, tenant, job, run, data } = await plant(["../../../escaped.md"]);
    try {
      expect(await run()).toMatchObject({ outcome: "failed" });
      const ended = (await store.jobs.get(job.id))!;
      expect(ended.status).toBe("failed");
      expect(readIngestJobState(ended.checkpoint, 1).error).toMatchObject({ code: "invalid_request" });
      expect(existsSync(join(data, "escaped.md"))).toBe(false);
      expect(await store.uploads.tenantBytes(tenant.id)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("fails a job whose agent was removed, and one that is no longer claimable is refused", async () => {
    const { store, job, run } = await plant(["a.md"], "no-such-agent");
    try {
      expect(await run()).toMatchObject({
        outcome: "failed",
        error: expect.stringMatching(/no longer exists/),
      });
      await expect(run()).rejects.toMatchObject({ code: "job_finished" });
      expect((await store.jobs.get(job.id))!.attempts).toBe(1);
    } finally {
      await store.close();
    }
  });
});
