import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../../cli/cli-process.fixture.js";
import { disposeLlamaRuntimes } from "../../models/llamacpp/llama-runtime.js";
import type { Store } from "../../spec/store.js";
import type { EpochMetrics } from "../../spec/students.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { enqueueStudentJob } from "./enqueue-student-job.js";
import { runStudentJob } from "./run-student-job.js";
import { readStudentCheckpoint, studentJobPayloadSchema, studentWorkDir } from "./student-job-payload.js";
import { type StudentData, studentData } from "./student-test.fixture.js";

/**
 * Training is a job in the store: a process training it is killed with
 * SIGKILL in the middle of an epoch, another resumes it from the last
 * finished epoch, and the student equals an uninterrupted run's within noise
 * (AdamW's moments restart at zero on resume: llama.cpp cannot save them).
 * Ctrl-C pauses a `students train` and `students resume` finishes it. Real
 * llama.cpp training on the demo bakery's FAQ, real processes.
 */
const worker = fileURLToPath(new URL("./__fixtures__/student-worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const leaseMs = 1_500;

let d: StudentData;
let store: Store;
let tenantId: string;
beforeAll(async () => {
  d = await studentData();
  store = await openStore(d.storeFile);
  tenantId = (await defaultTenant(store)).id;
}, 60_000);
afterAll(async () => {
  await store.close();
  await disposeLlamaRuntimes();
});

const enqueue = (name: string) =>
  enqueueStudentJob(store, {
    tenantId,
    modelsDir: join(d.data, "models"),
    dataset: "bakery-faq@1",
    base: "tiny-base",
    name,
    epochs: 4,
    learningRate: 3e-4,
    contextLength: 256,
    threads: 1,
  });

describe("a training job killed with SIGKILL mid-epoch and resumed in another process", () => {
  it("loses only the epoch in flight, leaves no trainer running, and ends like an uninterrupted run", async () => {
    const { job } = await enqueue("killed-student");
    const workDir = studentWorkDir(studentJobPayloadSchema.parse(job.payload), job.id);
    const first = runWorker(job.id);
    await first.waitFor((line) => line.startsWith("progress 3 "));
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    // The dead process still holds the job; its checkpoint is epoch 2's, whole on disk.
    const orphan = (await store.jobs.get(job.id))!;
    expect(orphan.status).toBe("running");
    const checkpoint = readStudentCheckpoint(orphan.checkpoint);
    expect(checkpoint.epoch).toBe(2);
    expect(checkpoint.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(checkpoint.file).toBe(join(workDir, "epoch-2.gguf"));
    expect(existsSync(checkpoint.file!)).toBe(true);
    // Its trainer died with it (PR_SET_PDEATHSIG), mid-epoch 3.
    await expect.poll(() => processesMentioning(workDir), { timeout: 5_000 }).toEqual([]);

    const resumed = await runStudentJob({ store, jobId: job.id, leaseMs, claimWaitMs: 10_000 });
    expect(resumed.outcome, resumed.error?.message).toBe("succeeded");
    expect(resumed.job).toMatchObject({ status: "succeeded", attempts: 2 });
    const after = readStudentCheckpoint(resumed.job.checkpoint);
    expect(after.sessions).toBe(2);
    expect(existsSync(workDir)).toBe(false);

    const straight = await runStudentJob({
      store,
      jobId: (await enqueue("straight-student")).job.id,
      leaseMs,
    });
    expect(straight.outcome).toBe("succeeded");
    const curve = (model: typeof straight.model) =>
      (model!.metadata.student as { metrics: { epochs: EpochMetrics[] } }).metrics.epochs;
    const killedCurve = curve(resumed.model);
    const straightCurve = curve(straight.model);
    console.info(
      `validation loss by epoch: killed after 2 and resumed ${killedCurve.map((e) => e.validationLoss.toFixed(3)).join(", ")}; ` +
        `uninterrupted ${straightCurve.map((e) => e.validationLoss.toFixed(3)).join(", ")}`,
    );
    expect(killedCurve).toHaveLength(4);
    // Before the kill the runs are the same computation (one thread, windows in order).
    for (const i of [0, 1]) {
      expect(killedCurve[i]!.validationLoss).toBeCloseTo(straightCurve[i]!.validationLoss, 4);
    }
    // After it, only AdamW's restarted moments differ: the same loss within noise.
    for (const i of [2, 3]) {
      expect(Math.abs(killedCurve[i]!.validationLoss - straightCurve[i]!.validationLoss)).toBeLessThan(
        0.05 * straightCurve[i]!.validationLoss,
      );
    }
  }, 300_000);

  it("pauses on Ctrl-C at the last finished epoch, and `students resume` finishes it", async () => {
    const train = spawnCli([
      ...[
        "students",
        "train",
        "--dataset",
        "bakery-faq@1",
        "--base",
        "tiny-base",
        "--name",
        "paused-student",
      ],
      ...["--epochs", "3", "--ctx", "256", "--data", d.data],
    ]);
    await train.waitFor(/^epoch 1: /m, 120_000);
    train.child.kill("SIGINT");
    expect(await train.exited).toBe(130);
    const jobId = /^job (\S+):/m.exec(train.output().stderr)![1]!;
    expect(train.output().stderr).toContain(`alambique students resume ${jobId}`);
    const status = JSON.parse((await d.cli("students", "status", jobId, "--json")).stdout);
    expect(status.status).toBe("paused");
    expect(status.epoch).toBeGreaterThanOrEqual(1);
    expect(existsSync(status.checkpoint)).toBe(true);
    expect((await d.cli("students", "show", "paused-student")).code).toBe(1);

    // A prefix, as a person types one: ids are UUIDv7, so their first 8 characters are the minute the job was
    // made (the other jobs of this file share them); the first 18 reach the random part.
    const resumed = await d.cli("students", "resume", jobId.slice(0, 18), "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming after epoch ${status.epoch} of 3`));
    const shown = JSON.parse(resumed.stdout);
    expect(shown).toMatchObject({ name: "paused-student", job: { id: jobId, sessions: 2 } });
    expect(shown.metrics.epochs.map((e: EpochMetrics) => e.epoch)).toEqual([1, 2, 3]);
  }, 300_000);
});

/** Processes whose command line names `text` (read-only: `ps`). */
function processesMentioning(text: string): string[] {
  return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(text));
}

function runWorker(jobId: string) {
  const child = spawn(process.execPath, ["--import", "tsx", worker, d.storeFile, jobId, String(leaseMs)], {
    cwd: repoRoot,
  });
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.splice(0)) waiter.test(line) ? waiter.resolve(line) : waiters.push(waiter);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (test: (line: string) => boolean) => {
    const seen = lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      waiters.push({ test, resolve });
      void exited.then(({ code, signal }) =>
        reject(
          new Error(
            `the worker ended (code ${code}, signal ${signal}) first:\n${lines.join("\n")}\n${stderr}`,
          ),
        ),
      );
    });
  };
  return { child, exited, waitFor };
}
