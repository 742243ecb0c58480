import type { GgmlType } from "./gguf-writer.js";

/**
 * The shapes the forge can make. Both are Llama-architecture decoders with
 * grouped-query attention; weights are random, so they are stand-ins for real
 * models in tests, not models that know anything.
 *
 * Vocabulary size is set by the merges the shipped corpus supports (`maxMerges`
 * caps it), plus Llama 3's special tokens.
 */
export interface ForgePreset {
  name: ForgePresetName;
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  feedForwardLength: number;
  contextLength: number;
  maxMerges: number;
  /** Storage type of the 2-D weight matrices; norms are always F32. */
  matrixType: GgmlType;
  ropeFreqBase: number;
  rmsEpsilon: number;
  /** Standard deviation of the random matrix weights. */
  initStd: number;
}

export type ForgePresetName = "tiny" | "small";

export const FORGE_PRESETS: Readonly<Record<ForgePresetName, ForgePreset>> = {
  tiny: {
    name: "tiny",
    embeddingLength: 64,
    blockCount: 2,
    headCount: 4,
    headCountKv: 2,
    feedForwardLength: 192,
    contextLength: 4096,
    maxMerges: 2000,
    matrixType: "f32",
    ropeFreqBase: 500000,
    rmsEpsilon: 1e-5,
    initStd: 0.02,
  },
  small: {
    name: "small",
    embeddingLength: 256,
    blockCount: 4,
    headCount: 8,
    headCountKv: 4,
    feedForwardLength: 768,
    contextLength: 8192,
    maxMerges: 100_000,
    matrixType: "f16",
    ropeFreqBase: 500000,
    rmsEpsilon: 1e-5,
    initStd: 0.02,
  },
};

export const FORGE_PRESET_NAMES = Object.keys(FORGE_PRESETS) as ForgePresetName[];

export function isForgePresetName(value: unknown): value is ForgePresetName {
  return typeof value === "string" && Object.hasOwn(FORGE_PRESETS, value);
}
