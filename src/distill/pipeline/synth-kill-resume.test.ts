import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelRegistry } from "../../models/model-registry.js";
import { enqueueSynthJob, type SynthRequest } from "./enqueue-synth-job.js";
import { runSynthJob } from "./run-synth-job.js";
import { type DemoSynthStore, demoSynthStore, FORGED_TEACHER, forgedQaSteps } from "./synth-test.fixture.js";

/**
 * A worker process is killed with SIGKILL in the middle of a job; another
 * process resumes it with the same seed. The rows must be those of an
 * uninterrupted run with the same seed: the same count, the same keys, none
 * twice. (Text from the forged model is nonsense; the mechanics are real.)
 */
const worker = fileURLToPath(new URL("./__fixtures__/synth-worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const leaseMs = 1_500;
const count = 16;
/** Tokens per model call: short answers keep the test fast. */
const maxTokens = 48;

let demo: DemoSynthStore;
let models: ModelRegistry;
beforeAll(async () => {
  demo = await demoSynthStore();
  models = new ModelRegistry({ store: demo.store, llamacpp: { threads: 1, gpu: false, sequences: 2 } });
});
afterAll(async () => {
  await models.dispose();
  await demo.store.close();
});

const request = (name: string): SynthRequest => ({
  tenantId: demo.tenant.id,
  agent: "la-espiga",
  teacher: FORGED_TEACHER,
  judge: FORGED_TEACHER,
  count,
  languages: ["es", "en"],
  seed: 11,
  concurrency: 2,
  dataset: { name },
});

describe("a job killed with SIGKILL and resumed in another process", () => {
  it("ends with the rows of an uninterrupted run with the same seed: same count, same keys, none twice", async () => {
    const killed = (await enqueueSynthJob(demo.store, models, request("killed"))).job;
    const first = runWorker(killed.id);
    await first.waitFor((line) => /^rows (\d+)$/.test(line) && Number(line.slice(5)) >= 4);
    first.child.kill("SIGKILL");
    const { signal } = await first.exited;
    expect(signal).toBe("SIGKILL");

    // The dead worker still holds the job; what it committed is there, complete.
    const orphan = (await demo.store.jobs.get(killed.id))!;
    expect(orphan.status).toBe("running");
    const before = await demo.store.synth.counts(killed.id);
    expect(before.rows).toBeGreaterThanOrEqual(4);
    expect(before.rows).toBeLessThan(count);

    const second = runWorker(killed.id);
    const outcome = await second.waitFor((line) => line.startsWith("done "));
    expect(outcome).toBe("done succeeded ");
    expect((await second.exited).code).toBe(0);

    // The uninterrupted run, in this process.
    const straight = (await enqueueSynthJob(demo.store, models, request("straight"))).job;
    const uninterrupted = await runSynthJob({
      store: demo.store,
      models,
      steps: forgedQaSteps({ maxTokens }),
      jobId: straight.id,
    });
    expect(uninterrupted.outcome).toBe("succeeded");

    const resumedRows = await demo.store.synth.listRows(killed.id);
    const straightRows = await demo.store.synth.listRows(straight.id);
    expect(resumedRows).toHaveLength(count);
    expect(straightRows).toHaveLength(count);
    const keys = (rows: { key: string }[]) => rows.map((r) => r.key);
    expect(new Set(keys(resumedRows)).size).toBe(count);
    expect(keys(resumedRows)).toEqual(keys(straightRows));
    const resumedJob = (await demo.store.jobs.get(killed.id))!;
    expect(resumedJob).toMatchObject({ status: "succeeded", attempts: 2 });
    const kept = (rows: { dropped: unknown }[]) => rows.filter((r) => r.dropped === null).length;
    console.info(
      `kill/resume: killed after ${before.rows} of ${count} rows; resumed ${resumedRows.length} rows ` +
        `(${kept(resumedRows)} kept), uninterrupted ${straightRows.length} rows (${kept(straightRows)} kept)`,
    );
  }, 120_000);
});

function runWorker(jobId: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", worker, demo.file, jobId, String(leaseMs), String(maxTokens)],
    {
      cwd: repoRoot,
    },
  );
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
  return { child, lines, exited, waitFor };
}
