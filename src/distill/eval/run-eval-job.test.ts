import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelRegistry } from "../../models/model-registry.js";
import { startLocalHttpServer } from "../../models/openai-compatible/local-http-server.fixture.js";
import { scorecardSchema } from "../../spec/evaluation.js";
import { type EvalRequest, enqueueEvalJob } from "./enqueue-eval-job.js";
import { evalTaskResultSchema } from "./eval-task-result.js";
import {
  demoRows,
  type EvalDemo,
  evalDemoStore,
  FORGED_STUDENT,
  FORGED_TEACHER,
  orderConversation,
} from "./eval-test.fixture.js";
import { type EvalProgress, runEvalJob } from "./run-eval-job.js";

/**
 * The engine on the demo bakery: a forged student against a forged teacher
 * through the agent's real turn (real llama.cpp, one thread each). The answers
 * are nonsense; the replay, judging, scoring, storage and resume are real.
 */
let demo: EvalDemo;
let models: ModelRegistry;

beforeAll(async () => {
  demo = await evalDemoStore();
  models = new ModelRegistry({ store: demo.store, llamacpp: { threads: 1, gpu: false, sequences: 4 } });
  const card = { ...demo.dataset.card, counts: { train: 1, validation: 0, test: 1, dropped: {} } };
  for (const [name, test] of [
    ["conversation", orderConversation],
    ["one-question", demoRows()[2]!.row],
  ] as const) {
    await demo.store.datasets.create({
      tenantId: demo.tenant.id,
      name,
      card: { ...card, contentHash: name },
      rows: [demoRows()[0]!, { split: "test", row: test }],
    });
  }
});
afterAll(async () => {
  await models.dispose();
  await demo.store.close();
});

const request = (overrides: Partial<EvalRequest> = {}): EvalRequest => ({
  tenantId: demo.tenant.id,
  agent: "la-espiga",
  candidate: FORGED_STUDENT,
  reference: FORGED_TEACHER,
  maxTokens: 24,
  ...overrides,
});

describe("runEvalJob on the demo bakery", () => {
  it("replays each turn with both models, survives an interruption, and stores a versioned scorecard", async () => {
    const { job, payload } = await enqueueEvalJob(
      demo.store,
      models,
      request({ dataset: "conversation", repeats: 2, seed: 5, concurrency: 1 }),
    );
    expect(payload).toMatchObject({ judge: FORGED_TEACHER, dataset: { name: "conversation", version: 1 } });

    // Ctrl-C after the first result: the job pauses with that result kept.
    const stop = new AbortController();
    const first = await runEvalJob({
      store: demo.store,
      models,
      jobId: job.id,
      signal: stop.signal,
      onProgress: (p) => p.done >= 1 && stop.abort(),
    });
    expect(first).toMatchObject({ outcome: "interrupted", scorecard: null, job: { status: "paused" } });
    const kept = await demo.store.evaluations.countResults(job.id);
    expect(kept).toBeGreaterThanOrEqual(1);

    await demo.store.jobs.setStatus(job.id, "queued");
    const progress: EvalProgress[] = [];
    const result = await runEvalJob({
      store: demo.store,
      models,
      jobId: job.id,
      onProgress: (p) => progress.push(p),
    });
    expect(result.outcome, result.error ?? "").toBe("succeeded");
    expect(progress[0]).toMatchObject({ planned: 4, done: kept });
    expect(progress.at(-1)).toMatchObject({ phase: "done", planned: 4, done: 4 });

    // The conversation's two customer turns, twice each; none written twice.
    const results = await demo.store.evaluations.results(job.id);
    expect(results.map((r) => r.key)).toEqual([
      "conv-orden#t0#r0",
      "conv-orden#t0#r1",
      "conv-orden#t1#r0",
      "conv-orden#t1#r1",
    ]);
    for (const { result: stored } of results) {
      const parsed = evalTaskResultSchema.parse(stored);
      expect(parsed.candidate.ok, parsed.candidate.error ?? "").toBe(true);
      expect(parsed.reference.usage.outputTokens).toBeGreaterThan(0);
      expect(parsed.judgeUsage.inputTokens).toBeGreaterThan(0);
      // The second turn expects the row's order_status call; the first expects none.
      expect(parsed.candidate.tools.rightTool === null).toBe(parsed.turn === 0);
    }

    const record = result.scorecard!;
    expect(record).toMatchObject({
      version: 1,
      candidate: FORGED_STUDENT,
      reference: FORGED_TEACHER,
      judge: FORGED_TEACHER,
      datasetHash: "conversation",
      seed: 5,
      jobId: job.id,
    });
    const card = scorecardSchema.parse(record.scorecard);
    expect(card.dataset).toMatchObject({ testRows: 1, turns: 2 });
    const { candidate, reference } = card.models;
    expect(candidate.answers).toBe(4);
    expect(candidate.rubric.known + candidate.rubric.unknown).toBe(4);
    expect(card.pairwise.win + card.pairwise.tie + card.pairwise.loss + card.pairwise.unknown).toBe(4);
    expect(candidate.consistency).toMatchObject({ k: 2, tasks: 2 });
    expect(candidate.cost.latencyMs.p95).toBeGreaterThanOrEqual(candidate.cost.latencyMs.p50);
    expect(candidate.cost.latencyMs.quantiles).toHaveLength(101);
    expect(candidate.cost.pricePerMillion).toEqual({ input: 0.05, output: 0.1 });
    expect(reference.cost.per1000Conversations.usd).toBeGreaterThan(0);
    expect(card.gate.checks.map((c) => c.criterion)).toEqual([
      "rubric",
      "win_or_tie",
      "tool_accuracy",
      "policy",
    ]);
    expect(record.gatePassed).toBe(card.gate.passed);
    expect((await demo.store.jobs.get(job.id))!).toMatchObject({ status: "succeeded", progress: 1 });
  }, 120_000);

  it("retries a judge whose verdicts are malformed, then counts them as unknown, never as a pass", async () => {
    const engine = await startLocalHttpServer((_req, res, index) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `c${index}`,
          object: "chat.completion",
          created: 0,
          model: "garbled",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "5/5, great answer!" },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 },
        }),
      );
    });
    await demo.store.models.add({
      name: "garbled-judge",
      source: `url:${engine.url}/v1`,
      architecture: null,
      parameterCount: null,
      quantization: null,
      contextLength: 8192,
      licenseId: "apache-2.0",
      licenseUrl: null,
      weightsOpenness: "open",
      dataOpenness: null,
      codeOpenness: null,
      outputsMayTrain: true,
      metadata: { remoteModel: "garbled" },
    });
    try {
      const { job } = await enqueueEvalJob(
        demo.store,
        models,
        request({ dataset: "one-question", judge: "garbled-judge", maxAttempts: 2 }),
      );
      const result = await runEvalJob({
        store: demo.store,
        models,
        jobId: job.id,
        retryDelayMs: { base: 1, max: 5 },
      });
      expect(result.outcome, result.error ?? "").toBe("succeeded");
      const [stored] = await demo.store.evaluations.results(job.id);
      const task = evalTaskResultSchema.parse(stored!.result);
      expect(task.candidate).toMatchObject({ ok: true, rubric: null });
      expect(task.candidate.rubricDetail).toMatch(/no valid JSON after 2 attempts/);
      expect(task.pair).toEqual({ outcome: "unknown", verdicts: ["unknown", "unknown"] });
      // Two rubric verdicts and two pairwise ones, each asked twice.
      expect(engine.requests).toBe(8);

      const card = scorecardSchema.parse(result.scorecard!.scorecard);
      expect(card.models.candidate.rubric).toMatchObject({ known: 0, unknown: 1, mean: 1 });
      expect(card.models.reference.rubric).toMatchObject({ known: 0, unknown: 1, mean: null });
      expect(card.models.candidate.consistency.passHatK).toBe(0);
      expect(card.models.candidate.policyViolations).toBe(1);
      expect(card.pairwise).toMatchObject({ unknown: 1, winOrTie: 0 });
      expect(card.gate.passed).toBe(false);
      expect(card.gate.failures).toContain("rubric: the reference has no judged answer to compare");
    } finally {
      await engine.close();
    }
  }, 60_000);
});
