import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type TrainerEvent, TrainingError, trainerEventSchema } from "../../spec/students.js";

/**
 * Runs `train-worker` on `jobPath` in a child process and resolves when it has
 * trained every epoch and `onEvent` has finished with every event. Events
 * arrive one JSON line each on the child's file descriptor 3; each is
 * validated and passed to `onEvent` in order, the next only once the
 * previous one's promise settles (the child goes on training meanwhile).
 * Aborting `signal` kills the child (SIGKILL: `llama_opt_epoch` has no way to
 * stop) and rejects with TrainingError(cancelled).
 *
 * Rejects with TrainingError(engine_failed) when the child reports a failure,
 * dies (a native assert is SIGABRT), sends something that is not an event, or
 * exits without having finished; with the child's own reason when it names
 * engine_mismatch; with what `onEvent` threw when it throws (the child is
 * killed).
 */
export function runTrainWorker(
  jobPath: string,
  options: { onEvent: (event: TrainerEvent) => void | Promise<void>; signal?: AbortSignal },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const { entry, execArgv } = workerEntry();
    const child = spawn(process.execPath, [...execArgv, entry, jobPath], {
      stdio: ["ignore", "inherit", "inherit", "pipe"],
    });
    let saved = false;
    let failure: unknown;
    let handled: Promise<void> = Promise.resolve();
    const fail = (error: unknown) => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const abort = () =>
      fail(new TrainingError("cancelled", "training was cancelled; nothing was added to the catalog"));
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener("abort", abort, { once: true });

    const onLine = (line: string) => {
      let parsed: ReturnType<typeof trainerEventSchema.safeParse>;
      try {
        parsed = trainerEventSchema.safeParse(JSON.parse(line));
      } catch (error) {
        return fail(
          new TrainingError("engine_failed", "the training process wrote a line that is not JSON", {
            cause: error,
          }),
        );
      }
      if (!parsed.success) {
        return fail(
          new TrainingError("engine_failed", "the training process sent a message that is not an event", {
            cause: parsed.error,
          }),
        );
      }
      const event = parsed.data;
      if (event.type === "failed") {
        const mismatch = event.code === "training_engine_mismatch";
        failure ??= new TrainingError(
          mismatch ? "engine_mismatch" : "engine_failed",
          `training failed: ${event.message}`,
          {
            hint: event.hint,
          },
        );
      }
      if (event.type === "saved") saved = true;
      handled = handled
        .then(async () => {
          if (failure === undefined || event.type === "failed") await options.onEvent(event);
        })
        .catch(fail);
    };
    let partial = "";
    const events = child.stdio[3] as NodeJS.ReadableStream;
    events.setEncoding("utf8");
    events.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") onLine(line);
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
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", abort);
      void handled.then(() => {
        if (failure !== undefined) return reject(failure);
        if (saved && code === 0) return resolve();
        reject(
          new TrainingError(
            "engine_failed",
            signal === "SIGABRT"
              ? "llama.cpp aborted the training process (a native assertion failed)"
              : `the training process ended (${signal ?? `exit code ${code}`}) before finishing`,
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
    // By URL: the process may run anywhere (a trainer sidecar runs in its job folder), where `tsx` does not resolve.
    execArgv: ["--import", import.meta.resolve("tsx")],
  };
}
