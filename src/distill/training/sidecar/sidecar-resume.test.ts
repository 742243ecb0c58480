import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeLlamaRuntimes } from "../../../models/llamacpp/llama-runtime.js";
import type { Store } from "../../../spec/store.js";
import { type StudentProvenance, TrainingError } from "../../../spec/students.js";
import { defaultTenant } from "../../../store/default-tenant.js";
import { openStore } from "../../../store/open-store.js";
import { enqueueStudentJob } from "../enqueue-student-job.js";
import { quantizeStudent } from "../quantize-student.js";
import { runStudentJob } from "../run-student-job.js";
import { studentJobPayloadSchema, studentWorkDir } from "../student-job-payload.js";
import { type StudentData, studentData } from "../student-test.fixture.js";

/**
 * What happens around a trainer sidecar: Alambique killed (SIGKILL) after its
 * command finished, or while it ran; a command that leaves a LoRA adapter;
 * a `--quantize` that llama.cpp refuses. The sidecar is a scripted one
 * (`__fixtures__/scripted-sidecar.ts`: the contract's lines and files, no
 * training); Alambique, the store, llama.cpp's checks and quantizer are real.
 */
const sidecarScript = fileURLToPath(new URL("../__fixtures__/scripted-sidecar.ts", import.meta.url));
const worker = fileURLToPath(new URL("../__fixtures__/student-worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
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

const runsOf = (name: string) => join(d.data, `${name}.runs`);
const runs = (name: string) =>
  existsSync(runsOf(name)) ? readFileSync(runsOf(name), "utf8").split("\n").filter(Boolean) : [];

function enqueue(name: string, mode: string, file?: string, quantize?: "q4_k_m") {
  const command = [
    process.execPath,
    "--import",
    import.meta.resolve("tsx"),
    sidecarScript,
    "{job}",
    runsOf(name),
    mode,
    ...(file ? [file] : []),
  ];
  return enqueueStudentJob(store, {
    tenantId,
    modelsDir: join(d.data, "models"),
    dataset: "bakery-faq@1",
    base: "tiny-base",
    name,
    epochs: 2,
    contextLength: 256,
    engine: { type: "command", command, progressTimeoutSeconds: 60 },
    quantize,
  });
}

/** Runs the job in a worker process until the sidecar SIGKILLs it. */
async function killedWorker(jobId: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", worker, d.storeFile, jobId, String(leaseMs)], {
    cwd: repoRoot,
    stdio: "ignore",
  });
  const signal = await new Promise((resolve) => child.on("close", (_code, signal) => resolve(signal)));
  expect(signal).toBe("SIGKILL");
  expect((await store.jobs.get(jobId))!.status).toBe("running");
}

async function resume(jobId: string) {
  const notices: string[] = [];
  const result = await runStudentJob({
    store,
    jobId,
    leaseMs,
    claimWaitMs: 10_000,
    onNotice: (m) => notices.push(m),
  });
  return { ...result, notices };
}

/** [epoch, validation loss] of a registered student. */
const epochsOf = (model: { metadata: Record<string, unknown> } | null) =>
  (model!.metadata.student as StudentProvenance).metrics.epochs.map((e) => [e.epoch, e.validationLoss]);

describe("a command-engine job resumed after Alambique was killed", () => {
  it("takes the output of a command that had finished, without running it again", async () => {
    const { job } = await enqueue("picked-up", "finish-then-kill", d.base);
    await killedWorker(job.id);
    expect(runs("picked-up")).toHaveLength(1);

    const resumed = await resume(job.id);
    expect(resumed.outcome, resumed.error?.message).toBe("succeeded");
    expect(runs("picked-up")).toHaveLength(1);
    expect(resumed.notices).toContainEqual(
      expect.stringMatching(
        /^the trainer command had finished before this job stopped: importing .*output\/model\.gguf without running it again$/,
      ),
    );
    // The losses it reported are the student's, replayed from its progress file.
    expect(epochsOf(resumed.model)).toEqual([
      [1, 7.5],
      [2, 7],
    ]);
    expect(existsSync(join(d.data, "models", "students", "picked-up.gguf"))).toBe(true);
  }, 90_000);

  it("runs the command again, and says why, when the earlier run was cut short", async () => {
    const { job } = await enqueue("rerun", "partial-then-kill", d.base);
    await killedWorker(job.id);
    expect(runs("rerun")).toHaveLength(1);

    const resumed = await resume(job.id);
    expect(resumed.outcome, resumed.error?.message).toBe("succeeded");
    expect(runs("rerun")).toHaveLength(2);
    expect(resumed.notices).toContainEqual(
      expect.stringMatching(
        /^running the trainer command again from its start: the earlier run left no usable output \(llama\.cpp could not load .*output\/model\.gguf/,
      ),
    );
    expect(epochsOf(resumed.model)).toEqual([
      [1, 7.5],
      [2, 7],
    ]);
  }, 90_000);
});

describe("a command that leaves a LoRA adapter", () => {
  it("becomes an adapter student: the base served with it", async () => {
    const { job } = await enqueue("sidecar-lora", "adapter");
    const result = await resume(job.id);
    expect(result.outcome, result.error?.message).toBe("succeeded");
    const shown = JSON.parse((await d.cli("students", "show", "sidecar-lora", "--json")).stdout);
    expect(shown).toMatchObject({
      engine: "command",
      baseFile: d.base,
      adapter: { rank: 4, alpha: 4, tensors: 4, scale: 1 },
      metrics: { validationLoss: 7, baseValidationLoss: 8 },
    });
    expect(shown.file).toBe(join(d.data, "models", "students", "sidecar-lora.lora.gguf"));
    const answer = async (model: string) =>
      (await d.cli("run", "--model", model, "--prompt", "¿Tenéis wifi?", "--max-tokens", "8")).stdout;
    expect(await answer("sidecar-lora")).not.toBe(await answer("tiny-base"));
  }, 90_000);
});

describe("--quantize that llama.cpp refuses", () => {
  it("fails the job with llama.cpp's reason and where the unquantized model is kept; nothing is registered", async () => {
    // A sidecar that already quantized: llama.cpp does not requantize Q8_0 to Q4_K_M.
    const q8 = join(d.data, "already-q8.gguf");
    await quantizeStudent(d.base, q8, "q8_0", 1);
    const { job, payload } = await enqueue("requantized", "model", q8, "q4_k_m");
    const result = await resume(job.id);
    expect(result.outcome).toBe("failed");
    expect(result.job.status).toBe("failed");
    expect(TrainingError.isInstance(result.error) && result.error.reason).toBe("quantize_failed");
    expect(result.error!.message).toMatch(/llama\.cpp could not quantize .*trained\.gguf to q4_k_m/);
    expect(result.error!.message).toMatch(/requantiz/i);
    const kept = join(studentWorkDir(studentJobPayloadSchema.parse(job.payload), job.id), "trained.gguf");
    expect(result.error!.hint).toContain(`kept at ${kept}`);
    expect(existsSync(kept)).toBe(true);
    expect(result.job.error).toContain("Nothing entered the catalog");
    expect(await store.models.get("requantized")).toBeUndefined();
    expect(existsSync(payload.out)).toBe(false);
  }, 90_000);
});
