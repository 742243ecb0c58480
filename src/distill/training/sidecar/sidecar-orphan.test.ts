import { execFileSync, spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeLlamaRuntimes } from "../../../models/llamacpp/llama-runtime.js";
import type { Store } from "../../../spec/store.js";
import { defaultTenant } from "../../../store/default-tenant.js";
import { openStore } from "../../../store/open-store.js";
import { enqueueStudentJob } from "../enqueue-student-job.js";
import { runStudentJob } from "../run-student-job.js";
import { studentJobPayloadSchema, studentWorkDir } from "../student-job-payload.js";
import { type StudentData, studentData } from "../student-test.fixture.js";
import { parseProgressLine } from "./sidecar-job.js";
import { SIDECAR_PROCESS_FILE } from "./sidecar-process.js";

/**
 * The process running a command-engine job is killed with SIGKILL while its
 * trainer sidecar trains: the sidecar (its own process group, detached) goes
 * on, appending to the job folder's progress file. Resuming the job must stop
 * it (and its trainer child) before the command starts again, so that one
 * trainer writes the folder. The sidecar is the real one of the contract
 * test, `alambique students sidecar-train` (llama.cpp's trainer in a child
 * process); the worker, the store and the processes are real.
 */
const cliEntry = fileURLToPath(new URL("../../../cli/__fixtures__/cli-entry.ts", import.meta.url));
const worker = fileURLToPath(new URL("../__fixtures__/student-worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const sidecar = [
  process.execPath,
  "--import",
  import.meta.resolve("tsx"),
  cliEntry,
  ...["students", "sidecar-train", "--job", "{job}"],
];
const leaseMs = 1_500;

let d: StudentData;
let store: Store;
beforeAll(async () => {
  d = await studentData();
  store = await openStore(d.storeFile);
}, 60_000);
afterAll(async () => {
  await store.close();
  await disposeLlamaRuntimes();
});

/** Live (not zombie) processes of group `pgid`, read with `ps`, apart from the code under test. */
function groupMembers(pgid: number): number[] {
  return execFileSync("ps", ["-eo", "pid=,pgid=,stat="], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && stat !== undefined && !stat.startsWith("Z"))
    .map(([pid]) => Number(pid));
}

/** Runs the job in a worker process; resolves once its sidecar has reported `progress` of epoch 1. */
function workerAtFirstProgress(jobId: string) {
  const child = spawn(process.execPath, ["--import", "tsx", worker, d.storeFile, jobId, String(leaseMs)], {
    cwd: repoRoot,
  });
  let out = "";
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_c, s) => resolve(s)));
  const progressed = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (/^progress 1 /m.test(out)) resolve();
    });
    void exited.then(() => reject(new Error(`the worker ended first:\n${out}`)));
  });
  return { child, exited, progressed };
}

describe("a command-engine job resumed while the killed session's sidecar still trains", () => {
  it("stops the old trainer's process group before running the command again: one trainer writes the folder", async () => {
    const tenantId = (await defaultTenant(store)).id;
    const { job } = await enqueueStudentJob(store, {
      tenantId,
      modelsDir: join(d.data, "models"),
      dataset: "bakery-faq@1",
      base: "tiny-base",
      name: "orphan-sidecar",
      epochs: 2,
      learningRate: 3e-4,
      contextLength: 256,
      threads: 1,
      engine: { type: "command", command: sidecar, progressTimeoutSeconds: 120 },
    });
    const workDir = studentWorkDir(studentJobPayloadSchema.parse(job.payload), job.id);
    const progressFile = join(workDir, "progress.jsonl");

    const first = workerAtFirstProgress(job.id);
    await first.progressed;
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    // The record names the group; the sidecar and its llama.cpp trainer live on without Alambique, still writing.
    const record = JSON.parse(readFileSync(join(workDir, SIDECAR_PROCESS_FILE), "utf8"));
    expect(record.pgid).toBe(record.pid);
    const orphans = groupMembers(record.pgid);
    expect(orphans.length).toBeGreaterThanOrEqual(2);
    const size = statSync(progressFile).size;
    await expect.poll(() => statSync(progressFile).size, { timeout: 60_000 }).toBeGreaterThan(size);
    // Frozen from here, so that it cannot finish its two epochs before the resume looks (on a busy machine
    // the lease wait and this process's own starvation let it): the stop must still end it (SIGCONT).
    process.kill(-record.pgid, "SIGSTOP");

    const notices: string[] = [];
    let aliveAtFirstProgress: number[] | undefined;
    let linesAtLastEpoch = "";
    const resumed = await runStudentJob({
      store,
      jobId: job.id,
      leaseMs,
      claimWaitMs: 10_000,
      onNotice: (message) => notices.push(message),
      onEvent: (event) => {
        if (event.type === "progress")
          aliveAtFirstProgress ??= groupMembers(record.pgid).filter((pid) => orphans.includes(pid));
        if (event.type === "epoch" && event.metrics.epoch === 2)
          linesAtLastEpoch = readFileSync(progressFile, "utf8");
      },
    });
    expect(resumed.outcome, resumed.error?.message).toBe("succeeded");
    expect(notices).toContainEqual(
      expect.stringMatching(
        /^the trainer command an earlier session of this job started \(process group \d+, .*\) is still running \(\d+ processes\): stopping it$/,
      ),
    );
    expect(aliveAtFirstProgress).toEqual([]);
    expect(groupMembers(record.pgid)).toEqual([]);

    // The progress file is one run's: one base line, then epochs 1 and 2 in order, each once.
    const lines = linesAtLastEpoch
      .split("\n")
      .filter(Boolean)
      .map((text) => parseProgressLine(text)!);
    expect(lines.filter((l) => l.type === "base")).toHaveLength(1);
    expect(lines.flatMap((l) => (l.type === "epoch" ? [l.epoch] : []))).toEqual([1, 2]);
    const steps = lines.flatMap((l) => (l.type === "progress" ? [l.epoch * 1e6 + l.step] : []));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  }, 300_000);
});
