import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type TrainerEvent, TrainingError, trainerEventSchema } from "../../spec/students.js";

/**
 * Runs `train-worker` on `jobPath` in a child process and resolves when it has
 * saved the model. Each event it reports is validated and passed to `onEvent`
 * in order. Aborting `signal` kills the child (SIGKILL: `llama_opt_epoch` has
 * no way to stop) and rejects with TrainingError(cancelled).
 *
 * Rejects with TrainingError(engine_failed) when the child reports a failure,
 * dies (a native assert is SIGABRT), sends something that is not an event, or
 * exits without having saved; with the child's own code when it names one.
 */
export function runTrainWorker(
  jobPath: string,
  options: { onEvent: (event: TrainerEvent) => void; signal?: AbortSignal },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const { entry, execArgv } = workerEntry();
    const child = fork(entry, [jobPath], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let saved = false;
    let failure: TrainingError | undefined;
    const abort = () => {
      failure ??= new TrainingError("cancelled", "training was cancelled; nothing was added to the catalog");
      child.kill("SIGKILL");
    };
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener("abort", abort, { once: true });

    child.on("message", (message: unknown) => {
      const parsed = trainerEventSchema.safeParse(message);
      if (!parsed.success) {
        failure ??= new TrainingError(
          "engine_failed",
          "the training process sent a message that is not an event",
          {
            cause: parsed.error,
          },
        );
        child.kill("SIGKILL");
        return;
      }
      const event = parsed.data;
      if (event.type === "failed") {
        const reason = event.code.startsWith("training_")
          ? event.code.slice("training_".length)
          : "engine_failed";
        failure ??= new TrainingError(
          reason === "engine_mismatch" ? "engine_mismatch" : "engine_failed",
          `training failed: ${event.message}`,
          { hint: event.hint },
        );
      }
      if (event.type === "saved") saved = true;
      options.onEvent(event);
    });
    child.on("error", (error) => {
      failure ??= new TrainingError(
        "engine_failed",
        `could not start the training process: ${error.message}`,
        {
          cause: error,
        },
      );
    });
    child.on("exit", (code, signal) => {
      options.signal?.removeEventListener("abort", abort);
      if (failure) return reject(failure);
      if (saved && code === 0) return resolve();
      reject(
        new TrainingError(
          "engine_failed",
          signal === "SIGABRT"
            ? "llama.cpp aborted the training process (a native assertion failed)"
            : `the training process ended (${signal ?? `exit code ${code}`}) before saving the model`,
          {
            hint:
              signal === "SIGKILL"
                ? "It was killed from outside, often by the kernel for lack of memory: lower --ctx or free memory."
                : "llama.cpp printed the reason above; report it with the command you ran.",
          },
        ),
      );
    });
  });
}

/**
 * The compiled `.js` beside this file in `dist/`; from `src/` (vitest, tsx) the
 * `.ts` through tsx's loader.
 */
function workerEntry(): { entry: string; execArgv: string[] } {
  if (!import.meta.url.endsWith(".ts")) {
    return { entry: fileURLToPath(new URL("./train-worker.js", import.meta.url)), execArgv: [] };
  }
  return {
    entry: fileURLToPath(new URL("./train-worker.ts", import.meta.url)),
    execArgv: ["--import", "tsx"],
  };
}
