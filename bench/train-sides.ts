/**
 * The two sides of `bench/train.ts`, each a child process doing the same work
 * on the same windows: `epochs` epochs of AdamW over the first `trainWindows`
 * windows of a token stream (one window every n_ctx/2 tokens, as
 * llama-finetune cuts them), each followed by an evaluation pass over the
 * rest. Returns the wall time of the whole process and its peak RSS.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TrainJob } from "../src/models/training/train-job.js";

export interface Workload {
  model: string;
  /** The text both sides train on (llama-finetune tokenizes it itself), and our tokens of it (BOS first). */
  textFile: string;
  tokens: Int32Array;
  nCtx: number;
  threads: number;
  learningRate: number;
  valSplit: number;
}

export interface SideRun {
  seconds: number;
  /** CPU time (user + system) of the process: what a loaded machine does not blur. */
  cpuSeconds: number;
  peakRssBytes: number;
  /** Training windows per epoch, as the side counted them. */
  trainWindows: number;
}

/** llama-finetune's windows: `(tokens − n_ctx − 1) / stride` of them, the first `ndata × (1 − val)` trained on. */
export function referenceWindows(w: Workload): { count: number; train: number } {
  const count = Math.floor((w.tokens.length - w.nCtx - 1) / (w.nCtx / 2));
  return { count, train: Math.floor(count * (1 - w.valSplit)) };
}

/** `cwd`: where to run it (ggml looks there for its CPU backend variants: node-llama-cpp's libraries folder). */
export async function runReference(
  binary: string,
  w: Workload,
  epochs: number,
  cwd?: string,
): Promise<SideRun> {
  const out = join(mkdtempSync(join(tmpdir(), "alq-bench-ref-")), "out.gguf");
  const child = spawn(
    binary,
    [
      ...["-m", w.model, "-f", w.textFile, "-o", out, "-ngl", "0", "-fa", "off"],
      ...["-c", String(w.nCtx), "-b", String(w.nCtx), "-ub", String(w.nCtx), "-t", String(w.threads)],
      ...["-epochs", String(epochs), "-lr", String(w.learningRate), "-val-split", String(w.valSplit)],
    ],
    { stdio: ["ignore", "ignore", "pipe"], ...(cwd ? { cwd } : {}) },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const { code, ...measured } = await measure(child);
  if (code !== 0) throw new Error(`llama-finetune exited ${code}:\n${stderr.slice(-2000)}`);
  const trained = [...stderr.matchAll(/train: \[[^\]]*\] data=(\d+)\/(\d+)/g)].at(-1);
  return { ...measured, trainWindows: Number(trained?.[2] ?? Number.NaN) };
}

/** Our trainer's child process on the same windows; `masked`: the assistant-only hook on, every label counted. */
/** `libraries`: run with `ALAMBIQUE_LLAMA_LIBRARIES` set to that folder (another llama.cpp build). */
export async function runOurs(
  w: Workload,
  epochs: number,
  masked: boolean,
  libraries?: string,
): Promise<SideRun> {
  const dir = mkdtempSync(join(tmpdir(), "alq-bench-ours-"));
  const { count, train } = referenceWindows(w);
  const windows = new Int32Array(count * (w.nCtx + 1));
  for (let i = 0; i < count; i++) {
    windows.set(w.tokens.subarray((i * w.nCtx) / 2, (i * w.nCtx) / 2 + w.nCtx + 1), i * (w.nCtx + 1));
  }
  const split = train * (w.nCtx + 1);
  const write = (name: string, data: Uint8Array | Int32Array) => {
    writeFileSync(join(dir, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    return join(dir, name);
  };
  const job: TrainJob = {
    weights: w.model,
    trainWindows: write("train.i32", windows.subarray(0, split)),
    validationWindows: write("validation.i32", windows.subarray(split)),
    trainMask: masked ? write("train.mask", new Uint8Array(train * w.nCtx).fill(1)) : null,
    validationMask: masked
      ? write("validation.mask", new Uint8Array((count - train) * w.nCtx).fill(1))
      : null,
    maskTraining: masked,
    contextLength: w.nCtx,
    firstEpoch: 1,
    epochs,
    learningRate: w.learningRate,
    threads: w.threads,
    measureBase: false,
    checkpointDir: dir,
  };
  writeFileSync(join(dir, "job.json"), JSON.stringify(job));
  const entry = fileURLToPath(new URL("../src/models/training/train-worker.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", entry, join(dir, "job.json")], {
    stdio: ["ignore", "ignore", "inherit", "pipe"],
    env: { ...process.env, ALAMBIQUE_LLAMA_LIBRARIES: libraries ?? "" },
  });
  let events = "";
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding("utf8").on("data", (chunk: string) => {
    events += chunk;
  });
  const { code, ...measured } = await measure(child);
  if (code !== 0 || !events.includes('"type":"saved"'))
    throw new Error(`our trainer failed:\n${events.slice(-2000)}`);
  return { ...measured, trainWindows: train };
}

/**
 * Wall time from spawn to exit; the peak resident set and the CPU time, read
 * from /proc (Linux) every 20 ms until the process ends (so the CPU time may
 * miss its last 20 ms, alike for both sides).
 */
async function measure(
  child: ChildProcess,
): Promise<{ seconds: number; cpuSeconds: number; peakRssBytes: number; code: number | null }> {
  const started = performance.now();
  let peak = 0;
  let cpuTicks = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuTicks = Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone, or not Linux
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearInterval(poll);
  // Clock ticks are 1/100 s on Linux (USER_HZ).
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuTicks / 100,
    peakRssBytes: peak,
    code,
  };
}
