import { once } from "node:events";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createInflate } from "node:zlib";

/**
 * Streaming decoders for the PDF stream filters that can expand their input
 * (FlateDecode, BrotliDecode, LZWDecode, RunLengthDecode, ASCIIHexDecode,
 * ASCII85Decode), for measuring what a stream inflates to without holding it:
 * each takes and gives pieces of at most 64 KiB, so a consumer that only
 * counts uses constant memory whatever the ratio. Damaged data ends the
 * output where the damage is (what came out before it still counts), as
 * PDF.js stops there too.
 */
export type StreamDecoder = (input: AsyncIterable<Uint8Array>) => AsyncGenerator<Uint8Array>;

const pieceBytes = 64 * 1024;

/** `bytes` in pieces of at most 64 KiB (views, no copies). */
export async function* piecesOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
}

/** The decoder for a filter name (full or abbreviated, as PDF.js accepts them); undefined when it does not expand text. */
export function decoderFor(
  filter: string,
  options: { earlyChange?: number } = {},
): StreamDecoder | undefined {
  switch (filter) {
    case "FlateDecode":
    case "Fl":
      return (input) => throughZlib(input, createInflate({ chunkSize: pieceBytes }));
    case "BrotliDecode":
      return (input) => throughZlib(input, createBrotliDecompress({ chunkSize: pieceBytes }));
    case "LZWDecode":
    case "LZW":
      return (input) => lzwDecode(input, options.earlyChange ?? 1);
    case "RunLengthDecode":
    case "RL":
      return runLengthDecode;
    case "ASCIIHexDecode":
    case "AHx":
      return asciiHexDecode;
    case "ASCII85Decode":
    case "A85":
      return ascii85Decode;
    default:
      return undefined;
  }
}

async function* throughZlib(input: AsyncIterable<Uint8Array>, z: Transform): AsyncGenerator<Uint8Array> {
  const stop = new AbortController();
  // Fed from its own loop so that output is taken while input is given (zlib holds little either way).
  void (async () => {
    for await (const piece of input) {
      if (stop.signal.aborted) return;
      if (!z.write(piece)) await once(z, "drain", { signal: stop.signal });
    }
    z.end();
  })().catch(() => z.destroy());
  try {
    for await (const out of z) yield out as Uint8Array;
  } catch {
    // Damaged or truncated data: the output ends here.
  } finally {
    stop.abort();
    z.destroy();
  }
}

/** Collects output bytes into pieces of at most 64 KiB. */
class Output {
  #piece = new Uint8Array(pieceBytes);
  #length = 0;
  readonly ready: Uint8Array[] = [];

  push(byte: number): void {
    this.#piece[this.#length++] = byte;
    if (this.#length === pieceBytes) this.#emit();
  }

  flush(): void {
    if (this.#length > 0) this.#emit();
  }

  #emit(): void {
    this.ready.push(this.#piece.slice(0, this.#length));
    this.#length = 0;
  }
}

async function* runLengthDecode(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out = new Output();
  /** -1: at a length byte; 0..127: literal bytes still to copy; else: a run whose byte comes next. */
  let literal = 0;
  let run = 0;
  for await (const piece of input) {
    for (const byte of piece) {
      if (literal > 0) {
        out.push(byte);
        literal--;
      } else if (run > 0) {
        for (let i = 0; i < run; i++) {
          out.push(byte);
          if (out.ready.length > 0) yield* out.ready.splice(0);
        }
        run = 0;
      } else if (byte === 128) {
        out.flush();
        yield* out.ready.splice(0);
        return;
      } else if (byte < 128) literal = byte + 1;
      else run = 257 - byte;
    }
    yield* out.ready.splice(0);
  }
  out.flush();
  yield* out.ready.splice(0);
}

async function* asciiHexDecode(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out = new Output();
  let high = -1;
  for await (const piece of input) {
    for (const byte of piece) {
      if (byte === 0x3e) {
        if (high >= 0) out.push(high << 4);
        out.flush();
        yield* out.ready.splice(0);
        return;
      }
      const digit = hexDigit(byte);
      if (digit < 0) continue;
      if (high < 0) high = digit;
      else {
        out.push((high << 4) | digit);
        high = -1;
      }
    }
    yield* out.ready.splice(0);
  }
  if (high >= 0) out.push(high << 4);
  out.flush();
  yield* out.ready.splice(0);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

async function* ascii85Decode(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out = new Output();
  const group: number[] = [];
  const emit = (count: number) => {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + (group[i] ?? 84);
    for (let i = 0; i < count; i++) out.push((value >>> (24 - 8 * i)) & 0xff);
    group.length = 0;
  };
  for await (const piece of input) {
    for (const byte of piece) {
      if (byte === 0x7e) {
        // `~>` ends the data; a partial group gives one byte fewer than its characters.
        if (group.length > 1) emit(group.length - 1);
        out.flush();
        yield* out.ready.splice(0);
        return;
      }
      if (byte === 0x7a && group.length === 0) {
        for (let i = 0; i < 4; i++) out.push(0);
      } else if (byte >= 0x21 && byte <= 0x75) {
        group.push(byte - 0x21);
        if (group.length === 5) emit(4);
      }
    }
    yield* out.ready.splice(0);
  }
  if (group.length > 1) emit(group.length - 1);
  out.flush();
  yield* out.ready.splice(0);
}

/** LZW as PDF.js decodes it: 9–12-bit codes, 256 clears, 257 ends; `earlyChange` per /DecodeParms (default 1). */
async function* lzwDecode(input: AsyncIterable<Uint8Array>, earlyChange: number): AsyncGenerator<Uint8Array> {
  const size = 4096;
  const prefix = new Int16Array(size);
  const suffix = new Uint8Array(size);
  const length = new Uint16Array(size);
  const first = new Uint8Array(size);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    length[i] = 1;
    first[i] = i;
  }
  const scratch = new Uint8Array(size);
  const out = new Output();
  let next = 258;
  let previous = -1;
  let bits = 0;
  let bitCount = 0;
  const codeLength = () => {
    const n = next + earlyChange;
    return n < 512 ? 9 : n < 1024 ? 10 : n < 2048 ? 11 : 12;
  };
  const write = (code: number) => {
    let at = length[code]!;
    for (let c = code; at > 0; c = prefix[c]!) scratch[--at] = suffix[c]!;
    for (let i = 0; i < length[code]!; i++) out.push(scratch[i]!);
  };
  for await (const piece of input) {
    for (const byte of piece) {
      bits = ((bits << 8) | byte) & 0xffffff;
      bitCount += 8;
      const width = codeLength();
      if (bitCount < width) continue;
      const code = (bits >>> (bitCount - width)) & ((1 << width) - 1);
      bitCount -= width;
      if (code === 256) {
        next = 258;
        previous = -1;
        continue;
      }
      if (code === 257) {
        out.flush();
        yield* out.ready.splice(0);
        return;
      }
      let firstByte: number;
      if (code < 256 || (code >= 258 && code < next)) {
        write(code);
        firstByte = first[code]!;
      } else if (code === next && previous !== -1) {
        write(previous);
        out.push(first[previous]!);
        firstByte = first[previous]!;
      } else {
        // A code that names no entry: damaged data ends here.
        out.flush();
        yield* out.ready.splice(0);
        return;
      }
      if (previous !== -1 && next < size) {
        prefix[next] = previous;
        suffix[next] = firstByte;
        length[next] = length[previous]! + 1;
        first[next] = first[previous]!;
        next++;
      }
      previous = code;
      if (out.ready.length > 0) yield* out.ready.splice(0);
    }
    yield* out.ready.splice(0);
  }
  out.flush();
  yield* out.ready.splice(0);
}
