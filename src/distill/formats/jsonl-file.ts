/**
 * JSON Lines in and out, for every dataset format.
 *
 * Reading streams a file line by line (a file far larger than memory is
 * fine) and yields each line's number (1-based, as an editor shows it) with
 * its parsed value or why it is not JSON. Blank lines are skipped (a final
 * newline, a stray empty line), a UTF-8 byte-order mark is ignored, and CRLF
 * line ends are accepted.
 *
 * Writing goes to `<path>.partial` in ~1 MiB writes and is renamed into place
 * by `commit()`, so a reader never sees half a file; `abort()` removes the
 * partial file (after a full disk, say). Both are idempotent.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { createInterface } from "node:readline";

export type JsonlLine = { line: number; value: unknown } | { line: number; error: string };

export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === "") continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (error) {
      yield { line, error: `not JSON: ${(error as Error).message}` };
    }
  }
}

export interface JsonlWriter {
  readonly path: string;
  /** Lines written so far. */
  readonly count: number;
  write(value: unknown): Promise<void>;
  /** Flushes, closes and renames the partial file into place. */
  commit(): Promise<void>;
  /** Closes and removes the partial file; the destination is left as it was. */
  abort(): Promise<void>;
}

const FLUSH_BYTES = 1 << 20;

export async function createJsonlWriter(path: string): Promise<JsonlWriter> {
  const partial = `${path}.partial`;
  const handle: FileHandle = await open(partial, "w");
  let buffer: string[] = [];
  let buffered = 0;
  let count = 0;
  let state: "open" | "committed" | "aborted" = "open";
  const flush = async () => {
    if (buffer.length === 0) return;
    const text = buffer.join("");
    buffer = [];
    buffered = 0;
    await handle.write(text);
  };
  return {
    path,
    get count() {
      return count;
    },
    async write(value) {
      if (state !== "open") throw new Error(`the JSONL writer for ${path} is ${state}`);
      const text = `${JSON.stringify(value)}\n`;
      buffer.push(text);
      buffered += text.length;
      count++;
      if (buffered >= FLUSH_BYTES) await flush();
    },
    async commit() {
      if (state !== "open") return;
      await flush();
      await handle.sync();
      await handle.close();
      await rename(partial, path);
      state = "committed";
    },
    async abort() {
      if (state !== "open") return;
      state = "aborted";
      await handle.close().catch(() => undefined);
      await rm(partial, { force: true }).catch(() => undefined);
    },
  };
}
