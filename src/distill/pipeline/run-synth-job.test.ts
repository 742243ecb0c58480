import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelRegistry } from "../../models/model-registry.js";
import { synthRowSchema } from "../../spec/distill.js";
import { AlambiqueError } from "../../spec/errors.js";
import { enqueueSynthJob, type SynthRequest } from "./enqueue-synth-job.js";
import { runSynthJob, type SynthProgress } from "./run-synth-job.js";
import { readSynthCheckpoint } from "./synth-job-payload.js";
import { type DemoSynthStore, demoSynthStore, FORGED_TEACHER, forgedQaSteps } from "./synth-test.fixture.js";

/**
 * The engine on the demo bakery, with the forged model as teacher and judge
 * (real llama.cpp, one thread): the text is nonsense, the mechanics are real.
 */
let demo: DemoSynthStore;
let models: ModelRegistry;

beforeAll(async () => {
  demo = await demoSynthStore();
  models = new ModelRegistry({ store: demo.store, llamacpp: { threads: 1, gpu: false, sequences: 4 } });
});
afterAll(async () => {
  await models.dispose();
  await demo.store.close();
});

const request = (overrides: Partial<SynthRequest> = {}): SynthRequest => ({
  tenantId: demo.tenant.id,
  agent: "la-espiga",
  teacher: FORGED_TEACHER,
  judge: FORGED_TEACHER,
  count: 12,
  languages: ["es", "en"],
  seed: 7,
  concurrency: 3,
  ...overrides,
});

describe("runSynthJob on the demo bakery with a forged teacher and judge", () => {
  it("makes, judges, deduplicates and splits every planned row, and reports what it did", async () => {
    const { job } = await enqueueSynthJob(demo.store, models, request({ dataset: { name: "espiga-full" } }));
    const progress: SynthProgress[] = [];
    const result = await runSynthJob({
      store: demo.store,
      models,
      steps: forgedQaSteps(),
      jobId: job.id,
      onProgress: (p) => progress.push(p),
    });
    expect(result.outcome, result.error ?? "").toBe("succeeded");
    expect(result.job).toMatchObject({ status: "succeeded", progress: 1, leaseOwner: null });

    const rows = await demo.store.synth.listRows(job.id);
    expect(rows.map((r) => r.key)).toEqual(
      Array.from({ length: 12 }, (_, i) => `qa-${String(i).padStart(6, "0")}`),
    );
    for (const row of rows) {
      expect(synthRowSchema.safeParse(row).success).toBe(true);
      expect(row.usage.inputTokens).toBeGreaterThan(0);
      if (row.dropped === null) expect(row.judgement).not.toBeNull();
      else expect(row.dropDetail).toBeTruthy();
    }
    expect(new Set(rows.map((r) => r.provenance.language))).toEqual(new Set(["es", "en"]));

    const { report } = result;
    expect(report.planned).toBe(12);
    expect(report.rows).toBe(12);
    expect(report.kept + Object.values(report.dropped).reduce((a, b) => a + b, 0)).toBe(12);
    expect(report.byLanguage.es!.kept + report.byLanguage.es!.dropped).toBe(6);
    expect(Object.keys(report.byIntent).sort()).toEqual(
      ["alergenos", "horarios", "pedidos"].filter((i) => report.byIntent[i]),
    );
    expect(report.tokens.teacher.outputTokens).toBeGreaterThan(0);
    expect(report.tokens.judge.outputTokens).toBeGreaterThan(0);
    const t = report.tokens;
    const expected =
      ((t.teacher.inputTokens + t.judge.inputTokens) * 0.5 +
        (t.teacher.outputTokens + t.judge.outputTokens) * 1.5) /
      1e6;
    expect(report.costUsd.total).toBeCloseTo(expected, 12);
    expect(report.wallMs).toBeGreaterThan(0);
    expect(report.license).toMatchObject({ licenseId: "apache-2.0", outputsMayTrain: true, override: null });

    // Progress went up one row at a time, with a rate and an ETA.
    const generating = progress.filter((p) => p.phase === "generating");
    expect(generating.at(-1)).toMatchObject({ rows: 12, planned: 12 });
    expect(generating.some((p) => p.etaSeconds !== null && p.rowsPerSecond > 0)).toBe(true);
    expect(progress.at(-1)?.phase).toBe("finishing");

    // The dataset: the kept rows that survived decontamination, split and carded.
    const dataset = result.dataset!;
    expect(dataset).toMatchObject({ name: "espiga-full", version: 1, jobId: job.id, frozenAt: null });
    const kept = await demo.store.synth.listRows(job.id, { status: "kept" });
    expect(dataset.rowCount).toBe(kept.length);
    const split = dataset.splitCounts;
    expect(split.train + split.validation + split.test).toBe(kept.length);
    expect(dataset.card).toMatchObject({
      agent: "la-espiga",
      teacher: { name: FORGED_TEACHER, licenseId: "apache-2.0" },
      judge: { name: FORGED_TEACHER, licenseId: "apache-2.0" },
      counts: { ...split, dropped: report.dropped },
    });
    expect(dataset.card.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(readSynthCheckpoint(result.job.checkpoint)).toMatchObject({
      phase: "done",
      rows: 12,
      datasetId: dataset.id,
    });

    // A finished job is not run again.
    const again = await runSynthJob({
      store: demo.store,
      models,
      steps: forgedQaSteps(),
      jobId: job.id,
    }).catch((e) => e);
    expect(AlambiqueError.isInstance(again) && again.code).toBe("job_finished");
  });

  it("stops between rows when paused, keeps what is done, and resumes to the same rows without duplicates", async () => {
    const { job } = await enqueueSynthJob(
      demo.store,
      models,
      request({ judge: undefined, dataset: { name: "espiga-pause" } }),
    );
    let paused = false;
    const first = await runSynthJob({
      store: demo.store,
      models,
      steps: forgedQaSteps(),
      jobId: job.id,
      onProgress: (p) => {
        if (p.rows >= 3 && !paused) {
          paused = true;
          void demo.store.jobs.setStatus(job.id, "paused");
        }
      },
    });
    expect(first.outcome).toBe("paused");
    expect(first.job.status).toBe("paused");
    const done = (await demo.store.synth.counts(job.id)).rows;
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(12);
    expect(first.dataset).toBeNull();

    await demo.store.jobs.setStatus(job.id, "queued");
    const second = await runSynthJob({ store: demo.store, models, steps: forgedQaSteps(), jobId: job.id });
    expect(second.outcome).toBe("succeeded");
    const rows = await demo.store.synth.listRows(job.id);
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.key)).size).toBe(12);
    expect(readSynthCheckpoint(second.job.checkpoint).sessions).toBe(2);
    expect(second.report.rows).toBe(12);
  });

  it("stops when cancelled, and an interrupted run pauses the job", async () => {
    const cancelled = (await enqueueSynthJob(demo.store, models, request({ judge: undefined }))).job;
    const result = await runSynthJob({
      store: demo.store,
      models,
      steps: forgedQaSteps(),
      jobId: cancelled.id,
      onProgress: (p) => {
        // Rows are committed in groups: the count may skip a number.
        if (p.rows >= 2 && p.rows < 12) void demo.store.jobs.setStatus(cancelled.id, "cancelled");
      },
    });
    expect(result.outcome).toBe("cancelled");
    expect((await demo.store.synth.counts(cancelled.id)).rows).toBeLessThan(12);

    const interrupted = (await enqueueSynthJob(demo.store, models, request({ judge: undefined }))).job;
    const controller = new AbortController();
    const stopped = await runSynthJob({
      store: demo.store,
      models,
      steps: forgedQaSteps(),
      jobId: interrupted.id,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rows >= 1) controller.abort();
      },
    });
    expect(stopped.outcome).toBe("interrupted");
    expect(stopped.job).toMatchObject({ status: "paused", leaseOwner: null });
    expect(stopped.job.error).toMatch(/interrupted/);
  });
});
