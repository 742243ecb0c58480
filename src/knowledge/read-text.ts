import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createDecoder, type TextEncodingName } from "./decode-text.js";

/** Up to `bytes` bytes from the start of a file (for sniffing its format and encoding). */
export async function readHead(path: string, bytes = 64 * 1024): Promise<Uint8Array> {
  const file = await open(path, "r");
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** A file's text in pieces of about 64 KiB, decoded as it streams: the file is never whole in memory. */
export async function* readTextPieces(path: string, encoding: TextEncodingName): AsyncGenerator<string> {
  const decoder = createDecoder(encoding);
  for await (const bytes of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    const text = decoder.decode(bytes as Buffer);
    if (text !== "") yield text;
  }
  const rest = decoder.decode();
  if (rest !== "") yield rest;
}

/** Longest line `readLines` yields, in characters: a longer one is cut there (a minified file has one huge line). */
export const maxLineChars = 2 ** 20;

/**
 * A file's lines without their terminators (`\n`, `\r\n` or `\r`), streamed.
 * Memory is bounded: a line longer than `maxLineChars` comes out in pieces.
 */
export async function* readLines(path: string, encoding: TextEncodingName): AsyncGenerator<string> {
  let carry = "";
  for await (const piece of readTextPieces(path, encoding)) {
    // A trailing `\r` may be the first half of a `\r\n` split across pieces: keep it for the next one.
    const text = carry + piece;
    const held = text.endsWith("\r") ? "\r" : "";
    const parts = (held ? text.slice(0, -1) : text).split(/\r\n|\n|\r/);
    carry = (parts.pop() ?? "") + held;
    yield* parts;
    while (carry.length > maxLineChars) {
      yield carry.slice(0, maxLineChars);
      carry = carry.slice(maxLineChars);
    }
  }
  if (carry !== "") yield carry.replace(/\r$/, "");
}

/** A whole file as text (for formats that cannot be parsed piecewise: JSON). The caller caps its size. */
export async function readAllText(path: string, encoding: TextEncodingName): Promise<string> {
  let text = "";
  for await (const piece of readTextPieces(path, encoding)) text += piece;
  return text;
}
