/**
 * `ALAMBIQUE_LLAMA_LIBRARIES`: the trainer loads llama.cpp from another build
 * of the same commit (bench/train.ts: a build for this CPU trains faster than
 * node-llama-cpp's generic prebuilt binaries). Bad folders are refused with
 * the variable's name; a real run on the `.ci/build-llama-server.sh` build
 * (CI always has it) trains and says which libraries it used.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TrainerEvent } from "../../spec/students.js";
import { TrainingError } from "../../spec/students.js";
import { forgeModel } from "../forge/forge-model.js";
import { getLlamaRuntime } from "../llamacpp/llama-runtime.js";
import { llamaServerBinary, skipWithoutLlamaServer } from "../openai-compatible/llama-server.fixture.js";
import { llamaBinaryDir } from "./llama-opt-library.js";
import { runTrainWorker } from "./run-train-worker.js";
import type { TrainJob } from "./train-job.js";

describe("llamaBinaryDir", () => {
  it("is node-llama-cpp's prebuilt folder when the variable is unset or empty", () => {
    expect(llamaBinaryDir({})).toMatch(/@node-llama-cpp[\\/][^\\/]+[\\/]bins[\\/]/);
    expect(llamaBinaryDir({ ALAMBIQUE_LLAMA_LIBRARIES: "" })).toBe(llamaBinaryDir({}));
  });

  it("refuses a folder that cannot be read, naming the variable", () => {
    const missing = join(tmpdir(), "alq-no-such-folder-", String(process.pid));
    const error = catchError(() => llamaBinaryDir({ ALAMBIQUE_LLAMA_LIBRARIES: missing }));
    expect(TrainingError.isInstance(error)).toBe(true);
    expect((error as TrainingError).reason).toBe("engine_mismatch");
    expect((error as Error).message).toContain(`ALAMBIQUE_LLAMA_LIBRARIES: cannot read ${missing}`);
  });

  it("refuses a folder without the three libraries, listing those missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "alq-libs-"));
    writeFileSync(join(dir, "libllama.so"), "");
    const error = catchError(() => llamaBinaryDir({ ALAMBIQUE_LLAMA_LIBRARIES: dir }));
    expect((error as Error).message).toBe(`ALAMBIQUE_LLAMA_LIBRARIES: no libggml, libggml-base in ${dir}`);
    expect((error as TrainingError).hint).toContain("build/bin");
  });
});

describe.skipIf(skipWithoutLlamaServer())("training on another llama.cpp build", () => {
  it("loads the chosen build's libraries, reports them, and trains", { timeout: 120_000 }, async () => {
    const libraries = dirname(llamaServerBinary()!);
    const dir = mkdtempSync(join(tmpdir(), "alq-libs-train-"));
    const model = (await forgeModel({ out: join(dir, "tiny-f32.gguf"), preset: "tiny", f32: true })).path;
    const job = await writeJob(dir, model);
    const events: TrainerEvent[] = [];
    const before = process.env.ALAMBIQUE_LLAMA_LIBRARIES;
    process.env.ALAMBIQUE_LLAMA_LIBRARIES = libraries; // the child inherits it
    try {
      await runTrainWorker(job, { onEvent: (event) => void events.push(event) });
    } finally {
      if (before === undefined) delete process.env.ALAMBIQUE_LLAMA_LIBRARIES;
      else process.env.ALAMBIQUE_LLAMA_LIBRARIES = before;
    }
    const ready = events.find((event) => event.type === "ready");
    expect(ready).toMatchObject({ libraries });
    const epoch = events.find((event) => event.type === "epoch");
    expect(epoch?.type === "epoch" && Number.isFinite(epoch.metrics.validationLoss)).toBe(true);
    expect(events.at(-1)?.type).toBe("saved");
  });
});

/** One epoch over a few windows of the model's own tokens of a real sentence, repeated. */
async function writeJob(dir: string, model: string): Promise<string> {
  const { llama } = await getLlamaRuntime({ gpu: false });
  const vocab = await llama.loadModel({ modelPath: model, vocabOnly: true });
  const text = "La Espiga bakes sourdough every morning and opens at seven. ".repeat(80);
  const tokens = Int32Array.from(vocab.tokenize(text, false));
  await vocab.dispose();
  const nCtx = 256;
  const window = (i: number) => tokens.subarray(i * 64, i * 64 + nCtx + 1);
  const windows = (from: number, count: number) => {
    const out = new Int32Array(count * (nCtx + 1));
    for (let i = 0; i < count; i++) out.set(window(from + i), i * (nCtx + 1));
    return Buffer.from(out.buffer);
  };
  mkdirSync(join(dir, "run"), { recursive: true });
  writeFileSync(join(dir, "train.i32"), windows(0, 4));
  writeFileSync(join(dir, "validation.i32"), windows(4, 1));
  const job: TrainJob = {
    weights: model,
    trainWindows: join(dir, "train.i32"),
    validationWindows: join(dir, "validation.i32"),
    trainMask: null,
    validationMask: null,
    maskTraining: false,
    contextLength: nCtx,
    firstEpoch: 1,
    epochs: 1,
    learningRate: 1e-4,
    threads: 1,
    measureBase: false,
    checkpointDir: join(dir, "run"),
  };
  writeFileSync(join(dir, "job.json"), JSON.stringify(job));
  return join(dir, "job.json");
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}
