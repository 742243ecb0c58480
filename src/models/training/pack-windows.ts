/**
 * Training windows: llama.cpp's trainer takes windows exactly as long as its
 * context (else a native assert fires), and rounds a context up to a multiple
 * of 256.
 */

/** The window length for a requested context: rounded up to a multiple of 256, at least 256. */
export function windowLength(requestedContext: number): number {
  return Math.max(256, Math.ceil(requestedContext / 256) * 256);
}

/**
 * Concatenates `sequences` (rendered conversations, each starting with its
 * BOS) and cuts the stream into windows of `length + 1` tokens (the inputs and,
 * shifted by one, the labels), starting a new window every `stride` tokens.
 * The tail shorter than a window is left out. Returns the windows back to back
 * and how many there are: 0 when the stream is shorter than one window.
 */
export function packWindows(
  sequences: readonly Int32Array[],
  length: number,
  stride = length,
): { windows: Int32Array; count: number; tokens: number } {
  const tokens = sequences.reduce((n, s) => n + s.length, 0);
  const stream = new Int32Array(tokens);
  let at = 0;
  for (const sequence of sequences) {
    stream.set(sequence, at);
    at += sequence.length;
  }
  const count = tokens < length + 1 ? 0 : Math.floor((tokens - length - 1) / stride) + 1;
  const windows = new Int32Array(count * (length + 1));
  for (let i = 0; i < count; i++)
    windows.set(stream.subarray(i * stride, i * stride + length + 1), i * (length + 1));
  return { windows, count, tokens };
}
