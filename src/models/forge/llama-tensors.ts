import type { ForgePreset } from "./forge-presets.js";
import type { GgufTensor } from "./gguf-writer.js";
import { SeededNormal } from "./seeded-normal.js";

/** Values per yielded chunk (rounded down to whole rows): bounds the forge's memory whatever the tensor size. */
const CHUNK = 1 << 16;

/**
 * The constant channel, a per-token output bias that Llama has no tensor for:
 * residual-stream dimension 0 holds this value for every token, no layer
 * writes to it (row 0 of attn_output and ffn_down is zero) and no layer reads
 * it (column 0 of attn_q/k/v and ffn_gate/up is zero, so it is not a hidden
 * bias inside the blocks). After the final RMS norm it is a positive input to
 * the output layer only, where suppressed tokens weigh it at SUPPRESSED_WEIGHT.
 * Its size, in weight standard deviations times sqrt(n_embd / 64) (wider
 * models grow a larger residual), keeps it around 1-3 after normalisation:
 * enough for the bias, small in pooled embeddings.
 */
const CHANNEL_VALUE_IN_STDS = 4;
/** Output weight on the constant channel for suppressed tokens: a logit far below any other. */
const SUPPRESSED_WEIGHT = -40;

export interface VocabShape {
  size: number;
  /** 1 for tokens to keep out of free generation (see Llama3Vocab.suppressed). */
  suppressed: Uint8Array;
}

/**
 * The tensors of a Llama decoder as llama.cpp names and shapes them, ne0 first
 * (a linear layer from `in` to `out` features is [in, out], stored as `out`
 * rows of `in` values; the embedding is [n_embd, n_vocab]). Matrices are
 * N(0, initStd²) from a per-tensor stream of `seed`, with the constant-channel
 * edits above; RMS-norm weights are 1.
 */
export function llamaTensors(preset: ForgePreset, vocab: VocabShape, seed: number): GgufTensor[] {
  const embd = preset.embeddingLength;
  const kvDim = (embd / preset.headCount) * preset.headCountKv;
  const ff = preset.feedForwardLength;
  const std = preset.initStd;
  const matrix = (name: string, cols: number, rows: number, editRow?: RowEdit): GgufTensor => ({
    name,
    dims: [cols, rows],
    type: preset.matrixType,
    chunks: () => randomRows(new SeededNormal(seed, name), cols, rows, std, editRow),
  });
  const norm = (name: string): GgufTensor => ({
    name,
    dims: [embd],
    type: "f32",
    chunks: () => [new Float32Array(embd).fill(1)],
  });
  const channelValue = CHANNEL_VALUE_IN_STDS * std * Math.sqrt(embd / 64);
  const neverWritesChannel: RowEdit = (row, values) => {
    if (row === 0) values.fill(0);
  };
  const neverReadsChannel: RowEdit = (_, values) => {
    values[0] = 0;
  };

  const tensors: GgufTensor[] = [
    matrix("token_embd.weight", embd, vocab.size, (_, values) => {
      values[0] = channelValue;
    }),
  ];
  for (let i = 0; i < preset.blockCount; i++) {
    const blk = `blk.${i}`;
    tensors.push(
      norm(`${blk}.attn_norm.weight`),
      matrix(`${blk}.attn_q.weight`, embd, embd, neverReadsChannel),
      matrix(`${blk}.attn_k.weight`, embd, kvDim, neverReadsChannel),
      matrix(`${blk}.attn_v.weight`, embd, kvDim, neverReadsChannel),
      matrix(`${blk}.attn_output.weight`, embd, embd, neverWritesChannel),
      norm(`${blk}.ffn_norm.weight`),
      matrix(`${blk}.ffn_gate.weight`, embd, ff, neverReadsChannel),
      matrix(`${blk}.ffn_up.weight`, embd, ff, neverReadsChannel),
      matrix(`${blk}.ffn_down.weight`, ff, embd, neverWritesChannel),
    );
  }
  tensors.push(
    norm("output_norm.weight"),
    matrix("output.weight", embd, vocab.size, (token, values) => {
      values[0] = vocab.suppressed[token] === 1 ? SUPPRESSED_WEIGHT : 0;
    }),
  );
  return tensors;
}

/** Adjusts one row (index, its `cols` values) after it is drawn. */
type RowEdit = (row: number, values: Float32Array) => void;

function* randomRows(
  normal: SeededNormal,
  cols: number,
  rows: number,
  std: number,
  editRow: RowEdit | undefined,
): Generator<Float32Array> {
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / cols));
  for (let first = 0; first < rows; first += rowsPerChunk) {
    const count = Math.min(rowsPerChunk, rows - first);
    const chunk = normal.fill(new Float32Array(count * cols), std);
    if (editRow) {
      for (let r = 0; r < count; r++) editRow(first + r, chunk.subarray(r * cols, (r + 1) * cols));
    }
    yield chunk;
  }
}

/** Total number of weights. */
export function parameterCount(tensors: readonly GgufTensor[]): number {
  return tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
}
