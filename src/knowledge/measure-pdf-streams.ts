import { inflateSync } from "node:zlib";
import { namesOf, PdfObjectReader, type PdfValue } from "./pdf-objects.js";
import { decoderFor, piecesOf, type StreamDecoder } from "./pdf-stream-decoders.js";

export interface PdfStreamsMeasure {
  /** Bytes the measured streams inflate to; counting stops just past `maxDecodedBytes`. */
  decodedBytes: number;
  /** Whether that is more than `maxDecodedBytes`. */
  over: boolean;
  /**
   * The file is encrypted: its streams are ciphertext until PDF.js decrypts
   * them, so what they inflate to could not be measured (only the memory
   * limit of the reading worker bounds them).
   */
  encrypted: boolean;
}

/** ObjStm contents kept to resolve references into them; larger ones are measured, not kept. */
const maxKeptObjectStream = 8 * 2 ** 20;
const headerPattern = /(?<![0-9])(\d+)[\0\t\n\f\r ]+(\d+)[\0\t\n\f\r ]+obj(?![^\0\t\n\f\r ()<>[\]{}/%])/g;

/**
 * What a PDF's streams inflate to, measured before PDF.js reads the file
 * (PDF.js inflates a stream whole into memory, so a small file whose streams
 * inflate to gigabytes would take that much). Every stream of every object
 * in the file is decoded through its filter chain and counted, without
 * being kept, except images (text extraction never decodes them). A chain
 * stops counting at a filter that does not expand text (image codecs,
 * unknown filters): what enters it is counted.
 *
 * Where a stream's data ends is decided as PDF.js does (`/Length` when
 * `endstream` follows it, else the next `endstream`); Flate and Brotli data
 * ends where the compressed stream says, whatever the length claims.
 *
 * Throws an `InvalidPDFException`-named error when a stream's filter cannot
 * be read (a reference to an object that is not in the file).
 */
export async function measurePdfStreams(
  bytes: Uint8Array,
  maxDecodedBytes: number,
): Promise<PdfStreamsMeasure> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const objects = new PdfObjectIndex(text);
  const streams: StreamObject[] = [];
  let encrypted = false;
  for (const match of text.matchAll(/trailer[\0\t\n\f\r ]*<</g)) {
    const trailer = new PdfObjectReader(text, match.index + 7).read();
    if (trailer.kind === "dict" && trailer.entries.has("Encrypt")) encrypted = true;
  }
  for (const at of objects.offsets()) {
    const reader = new PdfObjectReader(text, at);
    const value = reader.read();
    if (value.kind !== "dict") continue;
    reader.skipSpace();
    if (!text.startsWith("stream", reader.pos)) continue;
    let start = reader.pos + 6;
    if (text[start] === "\r") start++;
    if (text[start] === "\n") start++;
    streams.push({ dict: value.entries, start });
    const type = nameOf(value.entries.get("Type"));
    if (type === "XRef" && value.entries.has("Encrypt")) encrypted = true;
  }

  let decodedBytes = 0;
  const count = async (stream: StreamObject, keep: boolean): Promise<Uint8Array | undefined> => {
    const small = inflateSmall(stream, bytes, objects);
    if (small !== undefined) {
      decodedBytes += small.length;
      return keep ? small : undefined;
    }
    const kept: Uint8Array[] = [];
    let keptBytes = 0;
    for await (const piece of decode(stream, text, bytes, objects)) {
      decodedBytes += piece.length;
      if (decodedBytes > maxDecodedBytes) return undefined;
      if (keep && keptBytes + piece.length <= maxKeptObjectStream) {
        kept.push(piece);
        keptBytes += piece.length;
      } else keep = false;
    }
    return keep ? Buffer.concat(kept) : undefined;
  };

  // Object streams first: references in the other streams' dictionaries may point into them.
  const isObjectStream = (s: StreamObject) => nameOf(s.dict.get("Type")) === "ObjStm";
  for (const stream of streams.filter(isObjectStream)) {
    const content = await count(stream, true);
    if (decodedBytes > maxDecodedBytes) return { decodedBytes, over: true, encrypted };
    if (content) objects.addObjectStream(stream.dict, Buffer.from(content).toString("latin1"));
  }
  for (const stream of streams) {
    if (isObjectStream(stream) || nameOf(stream.dict.get("Subtype")) === "Image") continue;
    await count(stream, false);
    if (decodedBytes > maxDecodedBytes) return { decodedBytes, over: true, encrypted };
  }
  return { decodedBytes, over: false, encrypted };
}

interface StreamObject {
  dict: Map<string, PdfValue>;
  /** Offset of its first data byte. */
  start: number;
}

/** Most output of the one-call path for small Flate streams (most of a PDF's): larger ones are streamed. */
const smallInflateBytes = 256 * 1024;

/**
 * A stream with only FlateDecode that inflates to at most 256 KiB, inflated
 * in one call (a stream per page makes thousands: the streamed path costs
 * more than the work); undefined for anything else. Damaged data counts as
 * the full 256 KiB (what came out before the damage is not reported).
 */
function inflateSmall(
  stream: StreamObject,
  bytes: Uint8Array,
  objects: PdfObjectIndex,
): Uint8Array | undefined {
  const filters = filtersOf(stream, objects);
  if (filters.length !== 1 || (filters[0] !== "FlateDecode" && filters[0] !== "Fl")) return undefined;
  try {
    return inflateSync(bytes.subarray(stream.start), { maxOutputLength: smallInflateBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    return new Uint8Array(smallInflateBytes);
  }
}

/** A stream's filter names; throws (as a damaged PDF) when they cannot be read. */
function filtersOf(stream: StreamObject, objects: PdfObjectIndex): string[] {
  const value = stream.dict.get("Filter");
  const resolved = value === undefined ? undefined : objects.resolve(value);
  const filters = value === undefined ? [] : resolved === undefined ? undefined : namesOf(resolved);
  if (filters === undefined) {
    const error = new Error("a stream's /Filter cannot be read, so what it inflates to cannot be checked");
    error.name = "InvalidPDFException";
    throw error;
  }
  return filters;
}

/** A stream's data through its expanding filters, in pieces. */
function decode(
  stream: StreamObject,
  text: string,
  bytes: Uint8Array,
  objects: PdfObjectIndex,
): AsyncIterable<Uint8Array> {
  const filters = filtersOf(stream, objects);
  const params = objects.resolve(stream.dict.get("DecodeParms"));
  const decoders: StreamDecoder[] = [];
  for (const [i, filter] of filters.entries()) {
    const own = params?.kind === "array" ? objects.resolve(params.items[i]) : params;
    const early = own?.kind === "dict" ? objects.resolve(own.entries.get("EarlyChange")) : undefined;
    const decoder = decoderFor(filter, early?.kind === "number" ? { earlyChange: early.value } : {});
    if (!decoder) break;
    decoders.push(decoder);
  }
  const selfEnding = filters[0] !== undefined && ["FlateDecode", "Fl", "BrotliDecode"].includes(filters[0]);
  const data = selfEnding
    ? bytes.subarray(stream.start)
    : bytes.subarray(stream.start, dataEnd(stream, text, objects));
  return decoders.reduce<AsyncIterable<Uint8Array>>((input, decoder) => decoder(input), piecesOf(data));
}

/** Where a stream's data ends, as PDF.js finds it: at `/Length` when `endstream` follows, else at the next `endstream`. */
function dataEnd(stream: StreamObject, text: string, objects: PdfObjectIndex): number {
  const length = objects.resolve(stream.dict.get("Length"));
  if (length?.kind === "number" && Number.isInteger(length.value) && length.value >= 0) {
    const end = stream.start + length.value;
    if (/^[\0\t\n\f\r ]*endstream/.test(text.slice(end, end + 64))) return end;
  }
  const found = text.indexOf("endstream", stream.start);
  return found === -1 ? text.length : found;
}

function nameOf(value: PdfValue | undefined): string | undefined {
  return value?.kind === "name" ? value.name : undefined;
}

/** Where each object is: `N G obj` headers in the file (the last of a number wins), then objects inside object streams. */
class PdfObjectIndex {
  readonly #direct = new Map<number, number>();
  readonly #compressed = new Map<number, { text: string; at: number }>();
  readonly #headers: number[] = [];

  constructor(private readonly text: string) {
    for (const match of text.matchAll(headerPattern)) {
      const at = match.index + match[0].length;
      this.#direct.set(Number(match[1]), at);
      this.#headers.push(at);
    }
  }

  /** Offsets just past every `obj` keyword, in file order. */
  offsets(): number[] {
    return this.#headers;
  }

  /** Indexes the objects of a decoded object stream (`/N` pairs of number and offset, from `/First`). */
  addObjectStream(dict: Map<string, PdfValue>, content: string): void {
    const n = this.resolve(dict.get("N"));
    const first = this.resolve(dict.get("First"));
    if (n?.kind !== "number" || first?.kind !== "number") return;
    const reader = new PdfObjectReader(content, 0);
    for (let i = 0; i < n.value && i < 1_000_000; i++) {
      const num = reader.read();
      const offset = reader.read();
      if (num.kind !== "number" || offset.kind !== "number") return;
      if (!this.#direct.has(num.value))
        this.#compressed.set(num.value, { text: content, at: first.value + offset.value });
    }
  }

  /** A value with references followed (up to 8 deep); undefined for a reference to nothing. */
  resolve(value: PdfValue | undefined, depth = 0): PdfValue | undefined {
    if (value?.kind !== "ref") return value;
    if (depth >= 8) return undefined;
    const direct = this.#direct.get(value.num);
    if (direct !== undefined) return this.resolve(new PdfObjectReader(this.text, direct).read(), depth + 1);
    const compressed = this.#compressed.get(value.num);
    if (compressed !== undefined) {
      return this.resolve(new PdfObjectReader(compressed.text, compressed.at).read(), depth + 1);
    }
    return undefined;
  }
}
