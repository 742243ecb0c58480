/**
 * The real-shape models of `bench/inference.ts --shapes real`: random-weight
 * GGUF files forged with the shapes of Llama-3.2-1B and Qwen2.5-0.5B (presets
 * `llama-1b`, `qwen-0.5b`), then quantized by llama.cpp's own
 * `llama_model_quantize` (the FFI call `alambique students --quantize` uses).
 * Random weights cost the same to run as trained ones.
 *
 * Forging a 1B-shaped model takes minutes and 3 GiB, so every file is cached
 * under the bench cache (`$ALAMBIQUE_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/alambique`, else `~/.cache/alambique`) in
 * `bench-models/forge-v<FORGE_VERSION>/`, named for preset, seed and type: a
 * re-run reuses them; a forge change (FORGE_VERSION) makes new ones.
 */
import { existsSync } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import { FORGE_VERSION, forgeModel } from "../src/models/forge/forge-model.js";
import type { ForgePresetName } from "../src/models/forge/forge-presets.js";
import { runGgufTool } from "../src/models/training/gguf-tool.js";

export type RealQuantization = "q4_k_m" | "q8_0";

export interface RealModelSpec {
  preset: Extract<ForgePresetName, "llama-1b" | "qwen-0.5b">;
  quantization: RealQuantization;
}

/** Every model of `--shapes real`, in the order they run: the 1B Q4_K_M (the target) first. */
export const REAL_MODELS: readonly RealModelSpec[] = [
  { preset: "llama-1b", quantization: "q4_k_m" },
  { preset: "llama-1b", quantization: "q8_0" },
  { preset: "qwen-0.5b", quantization: "q4_k_m" },
  { preset: "qwen-0.5b", quantization: "q8_0" },
];

export function realModelName(spec: RealModelSpec): string {
  return `${spec.preset}-${spec.quantization}`;
}

export function benchCacheDir(): string {
  return (
    process.env.ALAMBIQUE_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "alambique")
  );
}

/**
 * The path of the quantized model, forging the F16 file and quantizing it first
 * when they are not cached (minutes, once). `log` tells what takes long.
 */
export async function realModel(
  spec: RealModelSpec,
  seed: number,
  log: (line: string) => void,
): Promise<string> {
  const dir = join(benchCacheDir(), "bench-models", `forge-v${FORGE_VERSION}`);
  const base = join(dir, `${spec.preset}-seed${seed}`);
  const quantized = `${base}-${spec.quantization}.gguf`;
  if (existsSync(quantized)) return quantized;
  const f16 = `${base}-f16.gguf`;
  if (!existsSync(f16)) {
    log(`forging ${spec.preset} (seed ${seed}) into ${f16} (once; minutes)`);
    const started = performance.now();
    const forged = await forgeModel({ out: f16, preset: spec.preset, seed });
    log(
      `forged ${(forged.parameterCount / 1e9).toFixed(2)} G parameters, ${(forged.bytes / 2 ** 30).toFixed(2)} GiB ` +
        `in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  log(`quantizing ${f16} to ${spec.quantization} with llama_model_quantize (once)`);
  const started = performance.now();
  // Written under a temporary name: an interrupted quantization never leaves a file the cache would trust.
  const temp = `${quantized}.${process.pid}.tmp`;
  try {
    await runGgufTool(
      { op: "quantize", from: f16, to: temp, type: spec.quantization, threads: availableParallelism() },
      "quantize_failed",
    );
    await rename(temp, quantized);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  log(`quantized in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return quantized;
}
