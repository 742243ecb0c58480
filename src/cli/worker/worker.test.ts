/**
 * Two `alambique worker` processes on one PostgreSQL database share a
 * synthetic-data job's queue; the one running the job is killed with SIGKILL
 * mid-job. The other takes the job over once its lease expires and finishes
 * it from the checkpoint: every planned row is made once (none twice, none
 * lost). The forged model writes nonsense; the mechanics are real.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { enqueueSynthJob } from "../../distill/pipeline/enqueue-synth-job.js";
import { addForgedTeacher, FORGED_TEACHER } from "../../distill/pipeline/synth-test.fixture.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { describePostgres, freshPostgresUrl } from "../../store/postgres/postgres-test-server.fixture.js";
import { until } from "../../testing/until.fixture.js";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";
import { killLeaseHolder } from "./two-workers.fixture.js";

const count = 12;

describe("alambique worker: flags", () => {
  it("with --once, exits 0 once nothing is queued; refuses an unknown job kind, exit 2", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-worker-once-"));
    const once = await runCli(["worker", "--once", "--data", data]);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stderr).toMatch(/^worker [^:]+:\d+:\w+: running synth, train, eval, distill, ingest jobs$/m);
    const wrong = await runCli(["worker", "--kinds", "synth,ingestion", "--data", data]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/expected some of synth, train, eval, distill, ingest; got ingestion/);
  });
});

describePostgres("alambique worker: two workers on one PostgreSQL", () => {
  it("finishes a job whose worker was killed mid-job, each row made once", async () => {
    const url = await freshPostgresUrl("workers");
    const store = await openStore(url);
    const models = new ModelRegistry({ store, llamacpp: { threads: 1, gpu: false } });
    const workers: ReturnType<typeof spawnCli>[] = [];
    try {
      const tenant = await defaultTenant(store);
      await seedDemoAgent(store, tenant.id);
      await addForgedTeacher(store);
      const { job } = await enqueueSynthJob(store, models, {
        tenantId: tenant.id,
        agent: "la-espiga",
        teacher: FORGED_TEACHER,
        count,
        languages: ["es", "en"],
        seed: 5,
        concurrency: 2,
        maxTokens: 32,
        dataset: { name: "two-workers" },
      });
      const data = mkdtempSync(join(tmpdir(), "alq-worker-"));
      for (let i = 0; i < 2; i++) {
        workers.push(
          spawnCli(["worker", "--kinds", "synth", "--lease-ms", "2000", "--poll-ms", "200", "--data", data], {
            DATABASE_URL: url,
          }),
        );
      }
      // Mid-job: some rows written, not all.
      const holder = await until(
        async () => {
          const current = await store.jobs.get(job.id);
          const rows = (await store.synth.counts(job.id)).rows;
          return current?.status === "running" && rows >= 3 && rows < count ? current.leaseOwner : undefined;
        },
        120_000,
        100,
      );
      const { done, survivor } = await killLeaseHolder(store, workers, holder, job.id);
      expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
      const rows = await store.synth.listRows(job.id);
      expect(rows).toHaveLength(count);
      expect(new Set(rows.map((row) => row.key)).size).toBe(count);
      await survivor.waitFor(new RegExp(`job ${job.id} \\(synth\\): succeeded`));

      survivor.child.kill("SIGTERM");
      expect(await survivor.exited).toBe(0);
    } finally {
      for (const worker of workers) worker.child.kill("SIGKILL");
      await models.dispose();
      await store.close();
    }
  }, 300_000);
});
