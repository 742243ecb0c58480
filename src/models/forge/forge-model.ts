import { randomBytes } from "node:crypto";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import { trainBpe } from "./bpe-trainer.js";
import { readForgeCorpus } from "./forge-corpus.js";
import {
  FORGE_PRESET_NAMES,
  FORGE_PRESETS,
  type ForgePreset,
  type ForgePresetName,
  isForgePresetName,
} from "./forge-presets.js";
import { type GgufValue, gguf, writeGguf } from "./gguf-writer.js";
import { llamaTensors, parameterCount } from "./llama-tensors.js";
import { buildLlama3Vocab, LLAMA3_CHAT_TEMPLATE, type Llama3Vocab, padLlama3Vocab } from "./llama3-vocab.js";

/**
 * Bumped whenever the bytes the forge writes for given options change (corpus,
 * presets, tokenizer, weights, metadata), so that caches keyed on it refresh.
 */
export const FORGE_VERSION = 1;

export interface ForgeOptions {
  /** Path of the GGUF file to write; parent folders are created; an existing file is replaced. */
  out: string;
  preset?: ForgePresetName;
  /** Unsigned 32-bit integer. Default 1. */
  seed?: number;
  /**
   * Store every weight matrix as F32, whatever the preset's own type. llama.cpp's
   * trainer updates only F32 tensors (an F16 matrix is silently left as it is),
   * so a base to train students on needs this. Default false.
   */
  f32?: boolean;
}

export interface ForgeResult {
  /** Absolute path of the written file. */
  path: string;
  bytes: number;
  preset: ForgePresetName;
  seed: number;
  /** Storage type of the weight matrices. */
  matrixType: "f32" | "f16";
  vocabSize: number;
  parameterCount: number;
  contextLength: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
}

/**
 * Writes a small random-weight Llama-architecture GGUF model with a real
 * byte-level BPE tokenizer (merges learned from the shipped corpus), Llama 3
 * special tokens and a Llama 3 chat template. The same options always give a
 * byte-identical file.
 *
 * The file appears atomically: it is written under a temporary name beside
 * `out` and renamed into place, so readers never see half a model.
 *
 * Throws UsageError for an unknown preset, a seed that is not an unsigned
 * 32-bit integer, or an `out` that cannot be written (with a hint), and
 * AlambiqueError `forge_failed` when writing fails for another reason.
 */
export async function forgeModel(options: ForgeOptions): Promise<ForgeResult> {
  const { preset: presetName = "tiny", seed = 1 } = options;
  if (!isForgePresetName(presetName)) {
    throw new UsageError(
      `unknown forge preset "${String(presetName)}"`,
      `use one of: ${FORGE_PRESET_NAMES.join(", ")}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`invalid forge seed ${String(seed)}`, "use a whole number from 0 to 4294967295");
  }
  if (typeof options.out !== "string" || options.out.trim() === "") {
    throw new UsageError("no output path given for the forged model", "pass --out FILE.gguf");
  }
  const path = resolve(options.out);
  const preset = options.f32
    ? { ...FORGE_PRESETS[presetName], matrixType: "f32" as const }
    : FORGE_PRESETS[presetName];

  const bpe = trainBpe(await readForgeCorpus(), { maxMerges: preset.maxMerges, minFrequency: 1 });
  const learned = buildLlama3Vocab(bpe);
  const vocab = preset.vocabSize === undefined ? learned : padLlama3Vocab(learned, preset.vocabSize);
  if (preset.neverEndsTurn) {
    vocab.suppressed[vocab.special["<|eot_id|>"]] = 1;
    vocab.suppressed[vocab.special["<|end_of_text|>"]] = 1;
  }
  const tensors = llamaTensors(preset, { size: vocab.tokens.length, suppressed: vocab.suppressed }, seed);
  const metadata = buildMetadata(preset, seed, vocab);

  const temp = await prepareTarget(path);
  try {
    const written = await writeGguf(temp, { metadata, tensors });
    await rename(temp, path);
    return {
      path,
      bytes: written.bytes,
      preset: presetName,
      seed,
      matrixType: preset.matrixType,
      vocabSize: vocab.tokens.length,
      parameterCount: parameterCount(tensors),
      contextLength: preset.contextLength,
      sha256: written.sha256,
    };
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if (AlambiqueError.isInstance(error)) throw error;
    throw new AlambiqueError(`could not write the forged model to ${path}: ${(error as Error).message}`, {
      code: "forge_failed",
      status: 500,
      retryable: false,
      hint: "check free disk space and permissions of the output folder",
      cause: error,
    });
  }
}

function buildMetadata(p: ForgePreset, seed: number, vocab: Llama3Vocab): Array<[string, GgufValue]> {
  const presetName = p.name;
  // A preset forged with matrices of another type than its own is named for it (`small-f32`).
  const variant =
    p.matrixType === FORGE_PRESETS[presetName].matrixType ? presetName : `${presetName}-${p.matrixType}`;
  const s = vocab.special;
  return [
    ["general.architecture", gguf.str("llama")],
    ["general.type", gguf.str("model")],
    ["general.name", gguf.str(`alambique-forge-${variant}`)],
    [
      "general.description",
      gguf.str(`Random-weight test model forged by Alambique (seed ${seed}); knows nothing.`),
    ],
    ["general.license", gguf.str("apache-2.0")],
    // llama_ftype: 0 = all F32, 1 = mostly F16.
    ["general.file_type", gguf.u32(p.matrixType === "f16" ? 1 : 0)],
    ["alambique.forge.version", gguf.u32(FORGE_VERSION)],
    ["alambique.forge.preset", gguf.str(presetName)],
    ["alambique.forge.seed", gguf.u32(seed)],
    ["llama.context_length", gguf.u32(p.contextLength)],
    ["llama.embedding_length", gguf.u32(p.embeddingLength)],
    ["llama.block_count", gguf.u32(p.blockCount)],
    ["llama.feed_forward_length", gguf.u32(p.feedForwardLength)],
    ["llama.attention.head_count", gguf.u32(p.headCount)],
    ["llama.attention.head_count_kv", gguf.u32(p.headCountKv)],
    ["llama.rope.freq_base", gguf.f32(p.ropeFreqBase)],
    ["llama.attention.layer_norm_rms_epsilon", gguf.f32(p.rmsEpsilon)],
    ["llama.vocab_size", gguf.u32(vocab.tokens.length)],
    ["llama.rope.dimension_count", gguf.u32(p.embeddingLength / p.headCount)],
    ["tokenizer.ggml.model", gguf.str("gpt2")],
    ["tokenizer.ggml.pre", gguf.str("llama-bpe")],
    ["tokenizer.ggml.tokens", gguf.strings(vocab.tokens)],
    ["tokenizer.ggml.token_type", gguf.i32s(vocab.tokenTypes)],
    ["tokenizer.ggml.merges", gguf.strings(vocab.merges)],
    ["tokenizer.ggml.bos_token_id", gguf.u32(s["<|begin_of_text|>"])],
    ["tokenizer.ggml.eos_token_id", gguf.u32(s["<|end_of_text|>"])],
    ["tokenizer.ggml.eot_token_id", gguf.u32(s["<|eot_id|>"])],
    ["tokenizer.ggml.padding_token_id", gguf.u32(s["<|finetune_right_pad_id|>"])],
    ["tokenizer.ggml.add_bos_token", gguf.bool(true)],
    ["tokenizer.ggml.add_eos_token", gguf.bool(false)],
    ["tokenizer.chat_template", gguf.str(LLAMA3_CHAT_TEMPLATE)],
  ];
}

/**
 * Checks that `path` can be written (creating its folder) and returns a
 * temporary path beside it. Throws UsageError with a hint when it cannot.
 */
async function prepareTarget(path: string): Promise<string> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UsageError(
      `cannot write the model to ${path}: it is a folder`,
      "pass a file name, e.g. --out model.gguf",
    );
  }
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw unwritable(path, error);
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    // Creating the file is the only reliable writability check (permissions, read-only mounts).
    await (await open(temp, "w")).close();
  } catch (error) {
    throw unwritable(path, error);
  }
  return temp;
}

function unwritable(path: string, cause: unknown): UsageError {
  const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  const error = new UsageError(
    `cannot write the model to ${path} (${reason})`,
    "choose an output path in a folder you can write to, e.g. --out ./model.gguf",
  );
  error.cause = cause;
  return error;
}
