import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelRegistry } from "../../models/model-registry.js";
import { startLocalHttpServer } from "../../models/openai-compatible/local-http-server.fixture.js";
import type { SynthRow } from "../../spec/distill.js";
import { AlambiqueError } from "../../spec/errors.js";
import { openStore } from "../../store/open-store.js";
import { enqueueSynthJob, type SynthRequest } from "./enqueue-synth-job.js";
import { fixedModelSource } from "./fixed-model-source.fixture.js";
import { instantModel } from "./instant-model.fixture.js";
import { runSynthJob } from "./run-synth-job.js";
import type { SynthSteps } from "./synth-step.js";
import { type DemoSynthStore, demoSynthStore, forgedQaSteps } from "./synth-test.fixture.js";

/** What a teacher does wrong, and what the engine makes of it. Instant models keep these fast. */
let demo: DemoSynthStore;
beforeAll(async () => {
  demo = await demoSynthStore();
});
afterAll(async () => {
  await demo.store.close();
});

const instant = () =>
  fixedModelSource({ teacher: { model: instantModel() }, judge: { model: instantModel() } });
const request = (overrides: Partial<SynthRequest> = {}): SynthRequest => ({
  tenantId: demo.tenant.id,
  agent: "la-espiga",
  teacher: "teacher",
  count: 8,
  seed: 3,
  concurrency: 4,
  ...overrides,
});
const fast = { base: 1, max: 5 };
const byKey = (rows: SynthRow[]) => Object.fromEntries(rows.map((r) => [r.key, r]));

describe("a teacher that fails", () => {
  it("retries what a retry may cure, and drops the rest with the reason", async () => {
    const base = forgedQaSteps();
    const attempts = new Map<string, number>();
    const busy = (status: number) =>
      new AlambiqueError(`engine answered ${status}`, {
        code: status === 429 ? "engine_busy" : "engine_failed",
        status,
      });
    const steps: SynthSteps = {
      plan: base.plan,
      async run(ctx, task) {
        const n = (attempts.get(task.key) ?? 0) + 1;
        attempts.set(task.key, n);
        if (task.key === "qa-000001" && n === 1) throw busy(429);
        if (task.key === "qa-000002") throw busy(503);
        if (task.key === "qa-000003")
          throw new AlambiqueError("refused", { code: "engine_rejected_request", status: 400 });
        const row = await base.run(ctx, task);
        if (task.key === "qa-000004") return { ...row, key: "someone-else" };
        if (task.key === "qa-000005") return { ...row, messages: row.messages.slice(0, 1) };
        return row;
      },
      async judge(ctx, row) {
        if (row.key === "qa-000006") throw busy(502);
        return base.judge!(ctx, row);
      },
    };
    const { job } = await enqueueSynthJob(demo.store, instant(), request({ judge: "judge" }));
    const result = await runSynthJob({
      store: demo.store,
      models: instant(),
      steps,
      jobId: job.id,
      retryDelayMs: fast,
    });
    expect(result.outcome, result.error ?? "").toBe("succeeded");
    const rows = byKey(await demo.store.synth.listRows(job.id));
    expect(Object.keys(rows)).toHaveLength(8);
    expect(attempts.get("qa-000001")).toBe(2);
    expect(rows["qa-000001"]!.dropped === null || rows["qa-000001"]!.dropped === "low_groundedness").toBe(
      true,
    );
    expect(attempts.get("qa-000002")).toBe(3);
    expect(rows["qa-000002"]).toMatchObject({ dropped: "teacher_failed", messages: [], intent: "horarios" });
    expect(rows["qa-000002"]!.dropDetail).toMatch(/engine_failed: engine answered 503 \(attempt 3 of 3\)/);
    expect(attempts.get("qa-000003")).toBe(1);
    expect(rows["qa-000003"]).toMatchObject({ dropped: "teacher_failed" });
    expect(rows["qa-000004"]).toMatchObject({ dropped: "invalid_output" });
    expect(rows["qa-000004"]!.dropDetail).toMatch(/someone-else/);
    expect(rows["qa-000005"]).toMatchObject({ dropped: "invalid_output" });
    expect(rows["qa-000006"]).toMatchObject({ dropped: "judge_failed", judgement: null });
    expect(result.report.dropped).toMatchObject({ teacher_failed: 2, invalid_output: 2, judge_failed: 1 });
    // The teacher's tokens are counted for rows it produced, dropped or not.
    expect(rows["qa-000004"]!.usage.outputTokens).toBeGreaterThan(0);
  });

  it("abandons calls to an engine that never answers, retries them, then drops the rows", async () => {
    const hung = await startLocalHttpServer(() => {});
    await addRemoteModel("hung-engine", `${hung.url}/v1`, "hung");
    const models = new ModelRegistry({ store: demo.store });
    try {
      const { job } = await enqueueSynthJob(
        demo.store,
        models,
        request({ teacher: "hung-engine", count: 2, callTimeoutMs: 300, maxAttempts: 2, concurrency: 2 }),
      );
      const started = Date.now();
      const result = await runSynthJob({
        store: demo.store,
        models,
        steps: forgedQaSteps(),
        jobId: job.id,
        retryDelayMs: fast,
      });
      // Two attempts of 300 ms each, not the provider's own 120 s timeout.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.report.dropped).toEqual({ teacher_failed: 2 });
      const rows = await demo.store.synth.listRows(job.id);
      for (const row of rows) expect(row.dropDetail).toMatch(/model_timeout: .*300 ms \(attempt 2 of 2\)/);
      // Each attempt reached the engine, unless a loaded machine was too slow to send it within 300 ms.
      expect(hung.requests).toBeGreaterThanOrEqual(2);
      expect(hung.requests).toBeLessThanOrEqual(4);
    } finally {
      await hung.close();
    }
  });

  it("waits out an engine that rate-limits, and keeps the row it finally answers", async () => {
    const answer = JSON.stringify({ question: "¿Abrís el domingo?", answer: "Sí, de 8 a 14." });
    const engine = await startLocalHttpServer((_req, res, index) => {
      if (index < 3) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "0" });
        res.end(
          JSON.stringify({ error: { message: "slow down", type: "rate_limit", code: "rate_limited" } }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `c${index}`,
          object: "chat.completion",
          created: 0,
          model: "limited",
          choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
          usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 },
        }),
      );
    });
    await addRemoteModel("limited-engine", `${engine.url}/v1`, "limited");
    const registry = new ModelRegistry({ store: demo.store });
    try {
      const { job } = await enqueueSynthJob(
        demo.store,
        registry,
        request({ teacher: "limited-engine", count: 1 }),
      );
      const result = await runSynthJob({
        store: demo.store,
        models: registry,
        steps: forgedQaSteps(),
        jobId: job.id,
        retryDelayMs: fast,
      });
      const [row] = await demo.store.synth.listRows(job.id);
      expect(row).toMatchObject({ dropped: null, usage: { inputTokens: 40, outputTokens: 12 } });
      expect(row!.messages[0]).toEqual({ role: "user", content: "¿Abrís el domingo?" });
      // The provider tried three times (its own retries), then the engine tried again.
      expect(engine.requests).toBe(4);
      expect(result.outcome).toBe("succeeded");
    } finally {
      await engine.close();
    }
  });
});

describe("a job whose parts are gone", () => {
  it("pauses when its teacher left the catalog (to resume once it is back), and fails when its agent is gone", async () => {
    const own = await demoSynthStore();
    try {
      const { job } = await enqueueSynthJob(own.store, instant(), {
        ...request({ count: 2 }),
        tenantId: own.tenant.id,
      });
      const noTeacher = await runSynthJob({
        store: own.store,
        models: fixedModelSource({}),
        steps: forgedQaSteps(),
        jobId: job.id,
      });
      expect(noTeacher).toMatchObject({ outcome: "paused", job: { status: "paused" } });
      expect(noTeacher.error).toMatch(/model not found: teacher/);

      await own.store.jobs.setStatus(job.id, "queued");
      await own.store.agents.remove(own.tenant.id, own.agent.id);
      const noAgent = await runSynthJob({
        store: own.store,
        models: instant(),
        steps: forgedQaSteps(),
        jobId: job.id,
      });
      expect(noAgent).toMatchObject({ outcome: "failed", job: { status: "failed" } });
      expect(noAgent.error).toMatch(/the job's agent la-espiga no longer exists/);
    } finally {
      await own.store.close();
    }
  });
});

describe("a disk that fills", () => {
  it("stops cleanly, pauses the job with the reason, keeps every row, and resumes once there is room", async () => {
    const own = await demoSynthStore();
    await own.store.close();
    const capped = await openStore(own.file, { maxSizeBytes: statSync(own.file).size + 160 * 1024 });
    try {
      const { job } = await enqueueSynthJob(capped, instant(), {
        ...request({ count: 300 }),
        tenantId: own.tenant.id,
      });
      const full = await runSynthJob({
        store: capped,
        models: instant(),
        steps: forgedQaSteps(),
        jobId: job.id,
      });
      expect(full.outcome).toBe("paused");
      expect(full.job).toMatchObject({ status: "paused", leaseOwner: null });
      expect(full.error).toMatch(/disk is full.*SQLITE_FULL.*resume/s);
      const written = await capped.synth.listRows(job.id);
      expect(written.length).toBeGreaterThan(0);
      expect(written.length).toBeLessThan(300);
      expect((await capped.health()).ok).toBe(true);
    } finally {
      await capped.close();
    }
    // Room again: the same job resumes where it stopped.
    const roomy = await openStore(own.file);
    try {
      const [job] = await roomy.jobs.list({ kind: "synth" });
      await roomy.jobs.setStatus(job!.id, "queued");
      const resumed = await runSynthJob({
        store: roomy,
        models: instant(),
        steps: forgedQaSteps(),
        jobId: job!.id,
      });
      expect(resumed.outcome, resumed.error ?? "").toBe("succeeded");
      const rows = await roomy.synth.listRows(job!.id);
      expect(rows).toHaveLength(300);
      expect(new Set(rows.map((r) => r.key)).size).toBe(300);
    } finally {
      await roomy.close();
    }
  });
});

describe("near-duplicates", () => {
  it("keeps one of the rows that say the same thing and drops the rest, naming the one kept", async () => {
    const base = forgedQaSteps();
    const steps: SynthSteps = {
      plan: base.plan,
      async run(ctx, task) {
        const row = await base.run(ctx, task);
        return {
          ...row,
          messages: [
            { role: "user", content: "¿A qué hora abre la panadería los domingos por la mañana?" },
            {
              role: "assistant",
              content: "Los domingos abrimos de ocho a dos de la tarde, sin cerrar a mediodía.",
            },
          ],
        };
      },
    };
    const { job } = await enqueueSynthJob(demo.store, instant(), request({ count: 5 }));
    const result = await runSynthJob({ store: demo.store, models: instant(), steps, jobId: job.id });
    expect(result.report.kept).toBe(1);
    expect(result.report.dropped).toEqual({ near_duplicate: 4 });
    const dropped = await demo.store.synth.listRows(job.id, { status: "dropped" });
    for (const row of dropped) expect(row.dropDetail).toMatch(/near-duplicate of qa-000000/);
    expect(result.dataset?.rowCount).toBe(1);
  });
});

function addRemoteModel(name: string, baseUrl: string, remoteModel: string) {
  return demo.store.models.add({
    name,
    source: `url:${baseUrl}`,
    architecture: null,
    parameterCount: null,
    quantization: null,
    contextLength: null,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: { remoteModel },
  });
}
