/**
 * The training child process: `node train-worker.js JOB.json`. Reports
 * `TrainerEvent`s on its IPC channel (stdout when it has none, one JSON object
 * a line) and exits 0 after `saved`, 1 after `failed`. A native assert kills it
 * with SIGABRT, which the parent reports; the parent cancels it with SIGKILL.
 *
 * The parent has checked every precondition it can (F32 matrices, window
 * length, enough tokens, memory); this file only runs llama.cpp.
 */
import { readFileSync } from "node:fs";
import { AlambiqueError } from "../../spec/errors.js";
import type { TrainerEvent } from "../../spec/students.js";
import { openLlamaOptLibrary } from "./llama-opt-library.js";
import { type TrainJob, trainJobSchema } from "./train-job.js";

/** Sends, then yields to the event loop so the message leaves before the next native call blocks it. */
async function send(event: TrainerEvent): Promise<void> {
  await new Promise<void>((resolve) => {
    if (process.send) process.send(event, undefined, undefined, () => resolve());
    else process.stdout.write(`${JSON.stringify(event)}\n`, () => resolve());
  });
}

function readWindows(path: string): Int32Array {
  const bytes = readFileSync(path);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function run(job: TrainJob): Promise<void> {
  const lib = openLlamaOptLibrary();
  const model = lib.loadModel(job.base);
  const ctx = lib.newContext(model, job.contextLength, job.threads);
  const nCtx = lib.nCtx(ctx);
  if (nCtx !== job.contextLength) {
    throw new AlambiqueError(
      `llama.cpp made a ${nCtx}-token context, the windows have ${job.contextLength}`,
      {
        code: "training_engine_failed",
        hint: "Pass --ctx as a multiple of 256.",
      },
    );
  }
  await send({ type: "ready", backends: lib.backends(), parameters: lib.parameterCount(model) });
  lib.warmUp(ctx, model);
  const optimizer = lib.initOptimizer(ctx, model, job.learningRate);
  const train = readWindows(job.trainWindows);
  const validation = readWindows(job.validationWindows);
  const trainCount = train.length / (nCtx + 1);
  const trainSet = lib.newDataset(train, nCtx);
  const validationSet = lib.newDataset(validation, nCtx);

  // The base's loss on the validation windows, before any step: a split of 0 only evaluates.
  await send({ type: "base", validationLoss: lib.epoch(ctx, validationSet, 0).evaluate.loss });
  for (let epoch = 1; epoch <= job.epochs; epoch++) {
    optimizer.setLearningRate(job.learningRate);
    const started = performance.now();
    const trained = lib.epoch(ctx, trainSet, trainCount).train;
    const seconds = (performance.now() - started) / 1000;
    const validated = lib.epoch(ctx, validationSet, 0).evaluate;
    await send({
      type: "epoch",
      metrics: {
        epoch,
        trainLoss: trained.loss,
        validationLoss: validated.loss,
        tokensPerSecond: (trainCount * nCtx) / seconds,
        seconds,
      },
    });
  }
  lib.save(model, job.out);
  lib.freeDataset(trainSet);
  lib.freeDataset(validationSet);
  lib.free(ctx, model);
  await send({ type: "saved", path: job.out });
}

try {
  const path = process.argv[2];
  if (path === undefined) throw new Error("usage: train-worker JOB.json");
  await run(trainJobSchema.parse(JSON.parse(readFileSync(path, "utf8"))));
} catch (error) {
  const known = AlambiqueError.isInstance(error);
  await send({
    type: "failed",
    code: known ? error.code : "training_engine_failed",
    message: (error as Error).message,
    hint: (known ? error.hint : undefined) ?? "See the llama.cpp messages above.",
  });
  process.exitCode = 1;
}
