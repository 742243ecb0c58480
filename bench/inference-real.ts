/**
 * `bench/inference.ts --shapes real`: the embedded provider against llama.cpp
 * itself, on random-weight models with real models' shapes (see
 * `inference-real-models.ts`), side by side in one run:
 * - ours: `createLlamaCpp(...).languageModel(path).doStream`, as in the forged bench;
 * - llama-server doing the same job over HTTP (`inference-real-server.ts`);
 * - llama-bench, the engine alone (`inference-real-llama-bench.ts`), built
 *   from the bundled source with `-march=native`, and the same program linked
 *   against node-llama-cpp's prebuilt libraries (where there are some): the
 *   two say whether a gap is in the binding or in the binary.
 * Same GGUF, threads, context size, batch and flash-attention setting for all
 * three (the embedded context's, printed). Each run gives every side a fresh
 * prompt: prefill = the prompt on an empty KV cache (1 token generated; rate =
 * prompt tokens evaluated / call time), decode = the same prompt again, then
 * `decodeTokens` tokens (rate = tokens generated / call time). One warm-up run
 * precedes the measured ones; the sides' order rotates every run. Tables give
 * the median tok/s with the runs' range, and ours / side as the median of the
 * per-run ratios (calls seconds apart drift alike on a shared machine). On a
 * loaded machine (load above the core count) waiting for a core inflates wall
 * times at random; the CPU-time rates (ours: this process; llama-server: its
 * process plus the HTTP client) show what each side costs regardless. Both
 * include spinning worker threads (llama.cpp's default polling), alike for
 * both sides. llama-bench's CPU time cannot be split by phase: wall only.
 *
 * The memory-bandwidth bound of a decode: bytes read per token (weights, the
 * embedding's one row, the KV cache at mid-decode depth) against the memory
 * traffic that `threads` copy loops reach (`lib/copy-bandwidth.ts`), measured
 * before and after the runs of each model and thread count.
 */
import { cpus } from "node:os";
import { resolveChatWrapper } from "node-llama-cpp";
import { createLlamaCpp } from "../src/models/llamacpp/create-llamacpp-provider.js";
import { buildPrompts } from "./inference-prompts.js";
import { type LlamaBenchSettings, llamaBenchRate } from "./inference-real-llama-bench.js";
import { type RealModelSpec, realModel, realModelName } from "./inference-real-models.js";
import { llamaServerSide } from "./inference-real-server.js";
import { providerSide } from "./inference-sides.js";
import { copyBandwidth } from "./lib/copy-bandwidth.js";
import { formatTable } from "./lib/format-table.js";
import { bytesPerToken } from "./lib/model-bytes.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";
import { median } from "./lib/stats.js";
import type { LlamaCppReferences } from "./llama-cpp-references.js";

/** ours / llama-server, both phases, on the target model. */
export const REAL_TARGET = 0.95;
export const REAL_TARGET_MODEL = "llama-1b-q4_k_m";

export interface RealShapeOptions {
  models: readonly RealModelSpec[];
  threads: readonly number[];
  promptTokens: number;
  decodeTokens: number;
  runs: number;
  contextSize: number;
  seed: number;
  references: LlamaCppReferences;
}

/** Tokens per second of one call: by its wall time and by the CPU time it took (every thread of the side). */
interface Rate {
  wall: number;
  cpu: number;
}

const SIDES = ["ours: createLlamaCpp doStream", "llama-server (HTTP, stream)", "llama-bench"];
/** llama-bench on node-llama-cpp's prebuilt libraries: the engine the provider runs, without the binding. */
const PREBUILT_SIDE = "llama-bench, node-llama-cpp's libraries";

/** Runs every model at every thread count and prints a table each; returns true when the target is missed. */
export async function runRealShapes(options: RealShapeOptions): Promise<boolean> {
  let failed = false;
  for (const spec of options.models) {
    const path = await realModel(spec, options.seed, (line) => console.log(`  ${line}`));
    for (const threads of options.threads) {
      const ratios = await benchOne(options, spec, path, threads);
      if (realModelName(spec) === REAL_TARGET_MODEL && !(Math.min(...ratios) >= REAL_TARGET)) failed = true;
    }
  }
  return failed;
}

/** One model at one thread count; returns ours / llama-server for prefill and decode. */
async function benchOne(
  options: RealShapeOptions,
  spec: RealModelSpec,
  path: string,
  threads: number,
): Promise<[number, number]> {
  const { promptTokens, decodeTokens, runs, contextSize, seed } = options;
  const loadBefore = loadAverage();
  const provider = createLlamaCpp({ gpu: false, threads, contextSize, sequences: 1 });
  const { model } = await provider.load(path);
  const backend = await provider.backend();
  const prompts = await buildPrompts(model, resolveChatWrapper(model), promptTokens, runs + 1);
  const probe = await provider.acquireSequence(path);
  const { batchSize } = probe.sequence.context;
  const flashAttention = probe.sequence.context.flashAttention === true;
  probe.release();
  const ours = providerSide(provider, path, { threads, contextSize, sequences: 1, seed }, "stream");
  const common = { model: path, threads, contextSize, batchSize, flashAttention };
  const server = await llamaServerSide({ binary: options.references.llamaServer, ...common });
  const benches: LlamaBenchSettings[] = [{ binary: options.references.llamaBench, ...common }];
  const prebuilt = options.references.prebuilt;
  if (prebuilt) benches.push({ binary: prebuilt.llamaBench, cwd: prebuilt.libraries, ...common });
  const sides = [...SIDES, ...(prebuilt ? [PREBUILT_SIDE] : [])];
  const bandwidth = [await copyBandwidth(threads)];

  // Rates in tok/s, [side][run], by wall clock and by CPU time (NaN for llama-bench); one warm-up run (0) first.
  const prefill = sides.map(() => [] as Rate[]);
  const decode = sides.map(() => [] as Rate[]);
  const counts = { prompt: new Set<number>(), decoded: new Set<number>() };
  const rate = (tokens: number, r: { ms: number; cpuMs: number }): Rate => ({
    wall: tokens / (r.ms / 1000),
    cpu: tokens / (r.cpuMs / 1000),
  });
  try {
    for (let run = 0; run <= runs; run++) {
      const prompt = prompts[run]!;
      const order = sides.map((_, k) => (run + k) % sides.length);
      for (const side of order) {
        let measured: Rate;
        if (side >= 2) {
          const r = await llamaBenchRate(benches[side - 2]!, { prompt: promptTokens, decode: 0 });
          measured = { wall: r.rate, cpu: Number.NaN };
        } else {
          if (side === 0) {
            const lease = await provider.acquireSequence(path);
            await lease.sequence.clearHistory(); // the prompt is evaluated from an empty KV cache
            lease.release();
          }
          const r = side === 0 ? await ours.call(prompt, 1) : await server.call(prompt, 1, false);
          measured = rate(r.evaluatedPromptTokens, r);
          counts.prompt.add(r.evaluatedPromptTokens);
        }
        if (run > 0) prefill[side]!.push(measured);
      }
      for (const side of order) {
        let measured: Rate;
        if (side >= 2) {
          const r = await llamaBenchRate(benches[side - 2]!, {
            prompt: 0,
            decode: decodeTokens,
            depth: promptTokens,
          });
          measured = { wall: r.rate, cpu: Number.NaN };
        } else {
          const r =
            side === 0
              ? await ours.call(prompt, decodeTokens)
              : await server.call(prompt, decodeTokens, true);
          measured = rate(r.outputTokens, r);
          counts.decoded.add(r.outputTokens);
        }
        if (run > 0) decode[side]!.push(measured);
      }
    }
  } finally {
    await server.dispose();
    await provider.dispose();
  }
  bandwidth.push(await copyBandwidth(threads));

  const depth = promptTokens + decodeTokens / 2;
  const bytes = bytesPerToken(model.fileInfo, path, depth);
  const perToken = bytes.weights + bytes.kvCache;
  const bound = median(bandwidth) / perToken;
  const rows: string[][] = [
    [
      "phase",
      "side",
      "tok/s median (range)",
      "ours / side",
      "share of bound",
      "cpu tok/s",
      "ours / side (cpu)",
    ],
  ];
  const result: number[] = [];
  for (const [phase, rates] of [
    ["prefill", prefill],
    ["decode", decode],
  ] as const) {
    sides.forEach((name, i) => {
      const wall = rates[i]!.map((r) => r.wall);
      const ratio = median(rates[0]!.map((r, run) => r.wall / rates[i]![run]!.wall));
      const cpuRatio = median(rates[0]!.map((r, run) => r.cpu / rates[i]![run]!.cpu));
      if (i === 1) result.push(ratio);
      rows.push([
        phase,
        name,
        formatSpread(spread(wall)),
        i === 0 ? "" : ratio.toFixed(3),
        phase === "decode" ? `${((median(wall) / bound) * 100).toFixed(0)}%` : "",
        i >= 2 ? "" : median(rates[i]!.map((r) => r.cpu)).toFixed(1),
        i !== 1 ? "" : cpuRatio.toFixed(3),
      ]);
    });
  }
  rows.push(["decode", "memory-bandwidth bound", bound.toFixed(1), "", "100%"]);
  console.log(
    `\nmodel: ${realModelName(spec)} (forged with ${spec.preset}'s shape, seed ${seed}): ${path}\n` +
      `settings: threads ${threads}, context ${contextSize}, batch = micro-batch ${batchSize}, flash attention ${flashAttention ? "on" : "off"} ` +
      `(the embedded context's; given to llama-server and llama-bench); node-llama-cpp's binary: ${backend.buildType}; prompt ${[...counts.prompt].join("/")} tokens evaluated, ` +
      `decode ${[...counts.decoded].join("/")} tokens at depth ${promptTokens} (llama-bench: ${promptTokens} / ${decodeTokens} random tokens); ` +
      `${runs} runs after 1 warm-up run, sides interleaved\n` +
      `bound: ${(perToken / 2 ** 20).toFixed(0)} MiB read per token (weights ${(bytes.weights / 2 ** 20).toFixed(0)} MiB, ` +
      `KV cache at depth ${depth} ${(bytes.kvCache / 2 ** 20).toFixed(1)} MiB) against ${(median(bandwidth) / 1e9).toFixed(1)} GB/s ` +
      `of copy traffic with ${threads} thread(s) (${bandwidth.map((b) => (b / 1e9).toFixed(1)).join(" before, ")} after)\n` +
      `load average: ${loadBefore} before, ${loadAverage()} after (${cpus().length} cores)\n`,
  );
  console.log(formatTable(rows, [0, 1]));
  if (realModelName(spec) === REAL_TARGET_MODEL) {
    const met = Math.min(...result) >= REAL_TARGET;
    console.log(
      `\n${met ? "PASS" : "FAIL"}: ours / llama-server must be >= ${REAL_TARGET} on ${REAL_TARGET_MODEL}: ` +
        `prefill ${result[0]!.toFixed(3)}, decode ${result[1]!.toFixed(3)} (threads ${threads})`,
    );
  }
  return [result[0]!, result[1]!];
}
