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
  /**
   * Pads the vocabulary with unused tokens (never emitted, never matched by
   * the tokenizer) to exactly this size, so that the embedding and output
   * matrices have a real model's shape. Absent: the learned vocabulary as is.
   */
  vocabSize?: number;
  /**
   * Suppress the end-of-turn tokens too (`<|eot_id|>`, `<|end_of_text|>`): the
   * model never stops on its own, so every call generates exactly its token
   * limit (benchmarks compare rates over equal work). Default false.
   */
  neverEndsTurn?: boolean;
}

export type ForgePresetName = "tiny" | "small" | "llama-1b" | "qwen-0.5b";

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
  // Shapes of real models, for benchmarks (bench/inference.ts --shapes real): random weights cost the same to
  // run as trained ones. Untied output matrix (the real ones tie it to the embedding): the file is larger, the
  // bytes read per generated token are the same.
  /** Llama-3.2-1B's shape: 1.5 G parameters with the untied output, 2.8 GiB as F16. */
  "llama-1b": {
    name: "llama-1b",
    embeddingLength: 2048,
    blockCount: 16,
    headCount: 32,
    headCountKv: 8,
    feedForwardLength: 8192,
    contextLength: 131072,
    maxMerges: 100_000,
    matrixType: "f16",
    ropeFreqBase: 500000,
    rmsEpsilon: 1e-5,
    initStd: 0.02,
    vocabSize: 128256,
    neverEndsTurn: true,
  },
  /** Qwen2.5-0.5B's shape (as a Llama decoder: its q/k/v biases are left out), 0.63 G parameters untied. */
  "qwen-0.5b": {
    name: "qwen-0.5b",
    embeddingLength: 896,
    blockCount: 24,
    headCount: 14,
    headCountKv: 2,
    feedForwardLength: 4864,
    contextLength: 32768,
    maxMerges: 100_000,
    matrixType: "f16",
    ropeFreqBase: 1000000,
    rmsEpsilon: 1e-6,
    initStd: 0.02,
    vocabSize: 151936,
    neverEndsTurn: true,
  },
};

export const FORGE_PRESET_NAMES = Object.keys(FORGE_PRESETS) as ForgePresetName[];

export function isForgePresetName(value: unknown): value is ForgePresetName {
  return typeof value === "string" && Object.hasOwn(FORGE_PRESETS, value);
}
