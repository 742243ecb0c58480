import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeLlamaRuntimes } from "../../models/llamacpp/llama-runtime.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { readStudentCheckpoint } from "../training/student-job-payload.js";
import type { DistillEvent } from "./distill-event.js";
import { readDistillCheckpoint } from "./distill-job-payload.js";
import { distillDemoStore, FORGED_TEACHER, SMALL_LOOP, TINY_BASE } from "./distill-test.fixture.js";
import { enqueueDistillJob } from "./enqueue-distill-job.js";
import { runDistillJob } from "./run-distill-job.js";

/**
 * The loop is a job in the store: a process running it is killed with
 * SIGKILL while its third stage trains the student (after epoch 1 of 2), and
 * another process resumes it. The finished stages are not redone (the
 * synthetic data job ran once, one dataset version, frozen once), the
 * training job in flight is resumed from its last finished epoch rather than
 * started over, and the loop goes on to evaluate and promote. Real
 * llama.cpp, real SQLite, real processes, forged models.
 */
const worker = fileURLToPath(new URL("./__fixtures__/distill-worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const leaseMs = 1_500;

let demo: Awaited<ReturnType<typeof distillDemoStore>>;
let models: ModelRegistry;
let modelsDir: string;
beforeAll(async () => {
  demo = await distillDemoStore();
  modelsDir = join(demo.dir, "models");
  models = new ModelRegistry({ store: demo.store, modelsDir });
}, 120_000);
afterAll(async () => {
  await models.dispose();
  await demo.store.close();
  await disposeLlamaRuntimes();
});

describe("a distillation loop killed with SIGKILL mid-training and resumed in another process", () => {
  it("resumes the training job in flight and redoes no finished stage", async () => {
    const { store, tenant } = demo;
    const { job, payload } = await enqueueDistillJob(store, models, {
      tenantId: tenant.id,
      modelsDir,
      agent: "la-espiga",
      teacher: FORGED_TEACHER,
      base: TINY_BASE,
      epochs: 2,
      ...SMALL_LOOP,
      actor: "test",
    });
    const first = runWorker([demo.file, modelsDir, job.id, String(leaseMs)]);
    // A progress event of epoch 2 comes after epoch 1's checkpoint is stored.
    await first.waitFor((line) => line.startsWith("train 2 "));
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.lines.filter((l) => l.startsWith("stage ")).map((l) => l.split(" ")[1])).toEqual([
      "synth",
      "freeze",
      "train",
    ]);

    const orphan = (await store.jobs.get(job.id))!;
    expect(orphan.status).toBe("running");
    const before = readDistillCheckpoint(orphan.checkpoint, payload);
    expect(before.stage).toBe("train");
    const trainJobId = before.jobs.train!;
    expect(readStudentCheckpoint((await store.jobs.get(trainJobId))!.checkpoint).epoch).toBe(1);

    const events: DistillEvent[] = [];
    const resumed = await runDistillJob({
      store,
      models,
      modelsDir,
      jobId: job.id,
      leaseMs,
      claimWaitMs: 10_000,
      onEvent: (event) => events.push(event),
    });
    expect(resumed.outcome, resumed.stop?.error ?? "").toBe("succeeded");
    expect(resumed.job).toMatchObject({ status: "succeeded", attempts: 2 });
    const stages = events.flatMap((e) => (e.type === "stage" ? [e] : []));
    expect(stages.map((s) => s.stage)).toEqual(["train", "eval", "promote"]);
    expect(stages[0]).toMatchObject({ jobId: trainJobId, resumed: true });
    expect(events).toContainEqual({ type: "notice", message: "resuming after epoch 1 of 2" });

    // Nothing finished was done again: one synthetic-data session, one dataset version, the same training job.
    const synth = (await store.jobs.get(payload.synthJobId))!;
    expect(synth).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await store.datasets.list(tenant.id)).toHaveLength(1);
    expect(resumed.checkpoint.jobs.train).toBe(trainJobId);
    expect((await store.jobs.list({ kind: "train" })).map((j) => j.id)).toEqual([trainJobId]);
    const train = (await store.jobs.get(trainJobId))!;
    expect(train).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(readStudentCheckpoint(train.checkpoint).epochs.map((e) => e.epoch)).toEqual([1, 2]);

    // The loop's end: a scorecard, the (open) gate met, the agent answering with the student, recorded.
    expect(resumed.checkpoint).toMatchObject({ stage: "done", gate: { passed: true, failures: [] } });
    expect((await store.agents.get(tenant.id, demo.agent.id))!.spec.model).toBe(payload.student);
    const [promotion] = await store.promotions.list(tenant.id, demo.agent.id);
    expect(promotion).toMatchObject({
      model: payload.student,
      scorecardId: resumed.checkpoint.scorecardId,
      actor: "test",
      forced: false,
    });
  }, 300_000);
});

/** A worker process whose stdout lines the test waits on. */
function runWorker(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", worker, ...args], { cwd: repoRoot });
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const waitFor = async (test: (line: string) => boolean) => {
    while (!lines.some(test)) {
      if (ended) throw new Error(`the worker ended first:\n${lines.join("\n")}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, lines, exited, waitFor };
}
