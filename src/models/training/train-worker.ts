/**
 * The training child process: `node train-worker.js JOB.json`. Reports
 * `TrainerEvent`s one JSON object a line on file descriptor 3 (stdout when
 * that is not open), written synchronously: events leave even while a native
 * call holds the event loop, in order, and a kill loses none already written.
 * Exits 0 after `saved`, 1 after `failed`. A native assert kills it with
 * SIGABRT, which the parent reports; the parent cancels it with SIGKILL, and
 * on Linux it dies with its parent (PR_SET_PDEATHSIG), so a killed command
 * leaves no trainer behind.
 *
 * After each epoch it writes the weights (`epoch-N.raw.gguf` in the job's
 * checkpoint folder) before reporting the epoch: a checkpoint the parent is
 * told of is whole. AdamW's moments are not saved (llama.cpp keeps them inside
 * the context, with no API to read or write them): a resumed run starts them
 * again from zero.
 *
 * The parent has checked every precondition it can (F32 matrices, window
 * length, enough tokens, memory); this file only runs llama.cpp.
 */
import { fstatSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import koffi from "koffi";
import { AlambiqueError } from "../../spec/errors.js";
import { type TrainerEvent, TrainingError } from "../../spec/students.js";
import { openLlamaOptLibrary } from "./llama-opt-library.js";
import { LossMaskHook } from "./loss-mask-hook.js";
import { rawCheckpointName, type TrainJob, trainJobSchema } from "./train-job.js";

const eventFd = (() => {
  try {
    fstatSync(3);
    return 3;
  } catch {
    return 1;
  }
})();

function send(event: TrainerEvent): void {
  writeSync(eventFd, `${JSON.stringify(event)}\n`);
}

/** Linux: be killed (SIGKILL) when the parent dies, even by SIGKILL. Elsewhere nothing. */
function dieWithParent(): void {
  if (process.platform !== "linux") return;
  const prctl = koffi
    .load("libc.so.6")
    .func("int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)");
  const PR_SET_PDEATHSIG = 1;
  prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0);
  if (process.ppid === 1) process.exit(1); // the parent was already gone
}

function readInt32(path: string): Int32Array {
  const bytes = readFileSync(path);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function readMask(path: string | null): Uint8Array | undefined {
  return path === null ? undefined : new Uint8Array(readFileSync(path));
}

function run(job: TrainJob): void {
  const lib = openLlamaOptLibrary();
  const model = lib.loadModel(job.weights);
  const nCtx = job.contextLength;
  const train = readInt32(job.trainWindows);
  const validation = readInt32(job.validationWindows);
  const trainMask = readMask(job.trainMask);
  const validationMask = readMask(job.validationMask);
  const hook = trainMask && validationMask ? new LossMaskHook(nCtx) : undefined;
  const ctx = lib.newContext(model, nCtx, job.threads, hook?.pointer ?? null);
  if (lib.nCtx(ctx) !== nCtx) {
    throw new TrainingError(
      "engine_failed",
      `llama.cpp made a ${lib.nCtx(ctx)}-token context, the windows have ${nCtx}`,
      { hint: "Pass --ctx as a multiple of 256." },
    );
  }
  const chosen = process.env.ALAMBIQUE_LLAMA_LIBRARIES ? { libraries: lib.binDir } : {};
  send({ type: "ready", backends: lib.backends(), parameters: lib.parameterCount(model), ...chosen });
  lib.warmUp(ctx, model);
  const optimizer = lib.initOptimizer(ctx, model, job.learningRate);
  const trainCount = train.length / (nCtx + 1);
  const trainSet = lib.newDataset(train, nCtx);
  const validationSet = lib.newDataset(validation, nCtx);

  const lostTrack = () => {
    if (hook?.lost === undefined) return;
    throw new TrainingError("engine_failed", `the assistant-only loss mask lost track: ${hook.lost}`, {
      hint: "Train on whole conversations (--loss whole) and report this with the command you ran.",
    });
  };
  /** Loss on the validation windows: on every label, and on the assistant's only. */
  const evaluate = () => {
    if (hook && validationMask)
      hook.begin({ tokens: validation, mask: validationMask, train: false, zero: false });
    const whole = lib.epoch(ctx, validationSet, 0).evaluate.loss;
    const assistant = hook ? hook.end().loss : null;
    lostTrack();
    return { whole, assistant, counted: job.maskTraining ? (assistant ?? whole) : whole };
  };

  if (job.measureBase) {
    const base = evaluate();
    send({ type: "base", validationLoss: base.counted, assistantValidationLoss: base.assistant });
  }
  for (let epoch = job.firstEpoch; epoch <= job.epochs; epoch++) {
    optimizer.setLearningRate(job.learningRate);
    if (hook && trainMask)
      hook.begin({ tokens: train, mask: trainMask, train: true, zero: job.maskTraining });
    const started = performance.now();
    let reported = started;
    const trained = lib.epoch(ctx, trainSet, trainCount, (done, windows) => {
      const now = performance.now();
      if (now - reported < 500 && done < windows) return;
      reported = now;
      const tokensPerSecond = (done * nCtx) / ((now - started) / 1000);
      send({ type: "progress", epoch, window: done, windows, tokensPerSecond });
    }).train;
    const seconds = (performance.now() - started) / 1000;
    const masked = hook?.end();
    lostTrack();
    const validated = evaluate();
    const weights = join(job.checkpointDir, rawCheckpointName(epoch));
    lib.save(model, weights);
    send({
      type: "epoch",
      weights,
      metrics: {
        epoch,
        trainLoss: job.maskTraining && masked ? masked.loss : trained.loss,
        validationLoss: validated.counted,
        assistantValidationLoss: validated.assistant,
        wholeValidationLoss: validated.whole,
        tokensPerSecond: (trainCount * nCtx) / seconds,
        seconds,
      },
    });
  }
  lib.freeDataset(trainSet);
  lib.freeDataset(validationSet);
  lib.free(ctx, model);
  send({ type: "saved", path: join(job.checkpointDir, rawCheckpointName(job.epochs)) });
}

// Ctrl-C in a terminal reaches the whole process group: the parent decides (it pauses the job and kills this).
process.on("SIGINT", () => undefined);
try {
  dieWithParent();
  const path = process.argv[2];
  if (path === undefined) throw new Error("usage: train-worker JOB.json");
  run(trainJobSchema.parse(JSON.parse(readFileSync(path, "utf8"))));
} catch (error) {
  const known = AlambiqueError.isInstance(error);
  send({
    type: "failed",
    code: known ? error.code : "training_engine_failed",
    message: (error as Error).message,
    hint: (known ? error.hint : undefined) ?? "See the llama.cpp messages above.",
  });
  process.exitCode = 1;
}
