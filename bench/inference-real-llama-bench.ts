import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * llama.cpp's own `llama-bench`: the engine with nothing around it (no chat
 * template, no sampling, no detokenizing; random token ids). One process per
 * measurement, one repetition each (`-r 1`), so that its calls interleave with
 * the other sides' within a run:
 * - prefill: `-p <prompt tokens> -n 0` on an empty KV cache, without its
 *   warm-up (`--no-warmup`: that warm-up is a whole second prefill; the run
 *   before the measured ones warms the page cache and the CPU alike);
 * - decode: `-p 0 -n <decode tokens> -d <prompt tokens>`: generated at the
 *   depth the other sides decode at (the depth is filled first, untimed).
 * Same threads, context, batch = micro-batch and flash-attention setting as the
 * embedded context.
 */
export interface LlamaBenchSettings {
  binary: string;
  model: string;
  threads: number;
  contextSize: number;
  batchSize: number;
  flashAttention: boolean;
  /** Where to run it: ggml looks there (and beside the binary) for its CPU backend variants. */
  cwd?: string;
}

/** Tokens per second that llama-bench measured for one prefill (`prompt` > 0) or one decode. */
export async function llamaBenchRate(
  settings: LlamaBenchSettings,
  phase: { prompt: number; decode: 0 } | { prompt: 0; decode: number; depth: number },
): Promise<{ rate: number; tokens: number; ms: number }> {
  const args = [
    ...["-m", settings.model, "-t", String(settings.threads), "-r", "1", "-o", "json", "--no-warmup"],
    ...["-b", String(settings.batchSize), "-ub", String(settings.batchSize)],
    ...["-fa", settings.flashAttention ? "on" : "off"],
    ...["-p", String(phase.prompt), "-n", String(phase.decode)],
    ...("depth" in phase ? ["-d", String(phase.depth)] : []),
  ];
  const { stdout } = await run(settings.binary, args, {
    maxBuffer: 16 * 2 ** 20,
    ...(settings.cwd ? { cwd: settings.cwd } : {}),
  });
  const results = JSON.parse(stdout) as { n_prompt: number; n_gen: number; samples_ns: number[] }[];
  const result = results[0];
  if (results.length !== 1 || !result || result.samples_ns.length !== 1)
    throw new Error(`llama-bench ${args.join(" ")}: expected one result, got ${stdout.slice(0, 500)}`);
  const tokens = phase.prompt > 0 ? result.n_prompt : result.n_gen;
  const ms = result.samples_ns[0]! / 1e6;
  return { rate: tokens / (ms / 1000), tokens, ms };
}
