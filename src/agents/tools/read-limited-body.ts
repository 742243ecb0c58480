/**
 * Reads a response body up to `maxBytes` and stops there: the rest is never
 * downloaded (the stream is cancelled), so a huge or endless answer costs at
 * most `maxBytes` of memory. Rejects when the stream fails or the signal
 * aborts mid-body.
 */
export async function readLimitedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}

/** UTF-8 text; a character cut in half at the limit is dropped rather than shown as U+FFFD. */
export function decodeText(bytes: Uint8Array, truncated: boolean): string {
  const text = new TextDecoder().decode(bytes);
  return truncated ? text.replace(/\uFFFD+$/, "") : text;
}
