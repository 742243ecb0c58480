/**
 * Decoding files whose encoding nobody declared. Businesses export text from
 * Excel and old tools: UTF-8 (with or without a BOM), UTF-16 (with a BOM), or
 * Windows-1252 (a spreadsheet saved "as CSV" on Windows, where `€` is 0x80).
 * Node's TextDecoder treats the `windows-1252` label as Latin-1 (0x80 becomes
 * U+0080, not `€`), so that mapping is done here.
 */

export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/**
 * The encoding of a file from its first bytes, or `undefined` when they look
 * binary (NUL bytes without a UTF-16 byte-order mark). Bytes that are not valid
 * UTF-8 are taken as Windows-1252. A multi-byte character cut at the end of
 * `head` is not an error.
 */
export function detectEncoding(head: Uint8Array): TextEncodingName | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  if (head.includes(0)) return undefined;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

/** A streaming decoder: `decode(bytes)` for each piece in order, then `decode()` once to flush. */
export interface StreamDecoder {
  decode(bytes?: Uint8Array): string;
}

export function createDecoder(encoding: TextEncodingName): StreamDecoder {
  if (encoding !== "windows-1252") {
    // Strips a leading byte-order mark (ignoreBOM: false is the default).
    const decoder = new TextDecoder(encoding);
    return {
      decode: (bytes) => (bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true })),
    };
  }
  const latin1 = new TextDecoder("latin1");
  return { decode: (bytes) => (bytes === undefined ? "" : fromWindows1252(latin1.decode(bytes))) };
}

// Windows-1252 0x80..0x9F; the five undefined code points stay as they are.
const high = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

function fromWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => high[c.charCodeAt(0) - 0x80] ?? c);
}
