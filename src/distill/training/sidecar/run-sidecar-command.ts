import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { TrainingError } from "../../../spec/students.js";
import { parseProgressLine, type SidecarProgressLine } from "./sidecar-job.js";
import { recordSidecarProcess } from "./sidecar-process.js";

export interface RunSidecarOptions {
  /** The operator's argv; `{job}` in any argument becomes `jobDir`. Run without a shell. */
  command: readonly string[];
  jobDir: string;
  /** The file the command appends progress lines to. */
  progressFile: string;
  /** Milliseconds without a new progress line (from the start, or the last line) before the command is killed. */
  progressTimeoutMs: number;
  onLine: (line: SidecarProgressLine) => void | Promise<void>;
  /** A line of the progress file that is not a progress line (skipped). */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
}

const POLL_MS = 200;
const TAIL_CHARS = 2000;
const KILL_GRACE_MS = 5000;

/**
 * Runs the trainer sidecar to its end, following its progress file. The
 * command runs in its own process group (detached: a group kill reaches its
 * `ssh`, `kubectl` or python children), recorded in the job folder
 * (`recordSidecarProcess`) so that a later session can stop it if this
 * process dies first; in the job folder, with `ALAMBIQUE_TRAINING_JOB` set to
 * it; argv goes to the OS as is, so nothing in a name or path can become
 * shell syntax. Its output is kept (the last 2 000 characters) for the error.
 *
 * Resolves when it exits 0, after every complete progress line was handled.
 * Rejects with TrainingError: `command_failed` (could not start, or exited
 * non-zero or by a signal: the output's tail in the message),
 * `command_timeout` (no progress line for `progressTimeoutMs`: the group is
 * killed), `cancelled` (`signal`: the group is killed), or what `onLine`
 * threw (the group is killed).
 */
export function runSidecarCommand(options: RunSidecarOptions): Promise<void> {
  const [program, ...args] = options.command.map((a) => a.replaceAll("{job}", options.jobDir));
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd: options.jobDir,
      env: { ...process.env, ALAMBIQUE_TRAINING_JOB: options.jobDir },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString("utf8")).slice(-TAIL_CHARS);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);

    let failure: unknown;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (error: unknown) => {
      failure ??= error;
      if (child.pid === undefined || child.exitCode !== null || killTimer) return;
      signalGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const abort = () =>
      kill(new TrainingError("cancelled", "training was cancelled; the trainer command was stopped"));
    if (child.pid !== undefined) {
      try {
        recordSidecarProcess(options.jobDir, child.pid);
      } catch (error) {
        kill(
          new TrainingError(
            "command_failed",
            `could not record the trainer command's process: ${(error as Error).message}`,
            {
              cause: error,
            },
          ),
        );
      }
    }
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener("abort", abort, { once: true });

    let offset = 0;
    let partial = "";
    const decoder = new StringDecoder("utf8"); // a character split between two reads stays whole
    let lastLine = Date.now();
    let handled: Promise<void> = Promise.resolve();
    /** One read at a time, in order: the last one after exit sees every line. */
    let reading: Promise<void> = Promise.resolve();
    const read = () => {
      // A failed read (the file replaced under us) is tried again at the next poll.
      reading = reading.then(readNew).catch(() => undefined);
      return reading;
    };
    const readNew = async () => {
      const file = await open(options.progressFile, "r").catch(() => undefined);
      if (!file) return;
      try {
        const buffer = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          partial += decoder.write(buffer.subarray(0, bytesRead));
        }
      } finally {
        await file.close();
      }
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const text of lines) {
        if (text.trim() === "") continue;
        const parsed = parseProgressLine(text);
        if (!parsed) {
          options.onNotice?.(`skipped a progress line that is not one: ${text.slice(0, 120)}`);
          continue;
        }
        lastLine = Date.now();
        handled = handled.then(() => options.onLine(parsed)).catch(kill);
      }
    };
    let polling = false;
    const poll = setInterval(() => {
      if (!polling) {
        polling = true;
        void read().finally(() => {
          polling = false;
        });
      }
      if (Date.now() - lastLine > options.progressTimeoutMs) {
        const seconds = Math.round(options.progressTimeoutMs / 1000);
        kill(
          new TrainingError(
            "command_timeout",
            `the trainer command reported no progress for ${seconds} s and was stopped${quote(tail)}`,
            {
              hint: `Make it append a line to ${options.progressFile} at least that often (README, "Students"), or raise training.progressTimeoutSeconds in alambique.yaml.`,
            },
          ),
        );
      }
    }, POLL_MS);

    child.on("error", (error) => {
      failure ??= new TrainingError(
        "command_failed",
        `could not start the trainer command ${program}: ${error.message}`,
        {
          hint: "Check training.command in alambique.yaml: its first item is a program on PATH or a path to one.",
          cause: error,
        },
      );
    });
    child.on("close", (code, signal) => {
      clearInterval(poll);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", abort);
      void (async () => {
        if (failure === undefined) await read().catch(() => undefined);
        await handled;
        if (failure !== undefined) return reject(failure);
        if (code === 0) return resolve();
        reject(
          new TrainingError(
            "command_failed",
            `the trainer command ${program} ended with ${signal ?? `exit code ${code}`}${quote(tail)}`,
            { hint: `Its job folder is ${options.jobDir}: run the command there by hand to see it fail.` },
          ),
        );
      })();
    });
  });
}

function quote(tail: string): string {
  const text = tail.trim();
  return text === "" ? "" : `; its last output:\n${text.split("\n").slice(-20).join("\n")}`;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
