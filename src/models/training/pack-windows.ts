/**
 * Training windows: llama.cpp's trainer takes windows exactly as long as its
 * context (else a native assert fires), and rounds a context up to a multiple
 * of 256.
 */

/** The window length for a requested context: rounded up to a multiple of 256, at least 256. */
export function windowLength(requestedContext: number): number {
  return Math.max(256, Math.ceil(requestedContext / 256) * 256);
}

export interface PackedWindows {
  /** `count × (length + 1)` tokens: each window's inputs and, shifted by one, its labels. */
  windows: Int32Array;
  /**
   * `count × length`: 1 where the label at that position (the next token) is
   * one the loss counts. Present when `masks` were given.
   */
  labelMask: Uint8Array | undefined;
  count: number;
  /** Tokens in the whole stream, the tail left out included. */
  tokens: number;
  /** Labels the mask counts, over all windows (every label when there is no mask). */
  countedLabels: number;
}

/**
 * Concatenates `sequences` (rendered conversations, each starting with its
 * BOS) and cuts the stream into windows of `length + 1` tokens (the inputs and,
 * shifted by one, the labels), starting a new window every `stride` tokens.
 * The tail shorter than a window is left out. `masks`, one per sequence and as
 * long, say which tokens the loss counts; a window's label mask is the mask of
 * the tokens its labels are. `count` is 0 when the stream is shorter than one
 * window.
 */
export function packWindows(
  sequences: readonly Int32Array[],
  length: number,
  stride = length,
  masks?: readonly Uint8Array[],
): PackedWindows {
  const tokens = sequences.reduce((n, s) => n + s.length, 0);
  const stream = new Int32Array(tokens);
  const streamMask = masks ? new Uint8Array(tokens) : undefined;
  let at = 0;
  sequences.forEach((sequence, i) => {
    stream.set(sequence, at);
    if (streamMask && masks) streamMask.set(masks[i]!.subarray(0, sequence.length), at);
    at += sequence.length;
  });
  const count = tokens < length + 1 ? 0 : Math.floor((tokens - length - 1) / stride) + 1;
  const windows = new Int32Array(count * (length + 1));
  const labelMask = streamMask ? new Uint8Array(count * length) : undefined;
  let countedLabels = streamMask ? 0 : count * length;
  for (let i = 0; i < count; i++) {
    windows.set(stream.subarray(i * stride, i * stride + length + 1), i * (length + 1));
    if (labelMask && streamMask) {
      const labels = streamMask.subarray(i * stride + 1, i * stride + length + 1);
      labelMask.set(labels, i * length);
      for (const flag of labels) countedLabels += flag;
    }
  }
  return { windows, labelMask, count, tokens, countedLabels };
}
