import { readFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";

/**
 * Where a process's resident memory lies, in bytes, so that a benchmark can
 * tell which part grows:
 * - `anonymousBytes`: private memory no file backs (Linux `Anonymous` in
 *   /proc/self/smaps_rollup): the V8 heap, malloc (SQLite's page cache,
 *   Node's buffers, glibc arenas and their fragmentation), thread stacks;
 * - `fileBytes`: resident pages of mapped files (code, shared libraries, the
 *   WAL's -shm index): `Rss − Anonymous`;
 * - `v8HeapBytes`: V8's heap spaces as resident (`total_physical_size`);
 * - `externalBytes`: memory V8 objects hold outside the heap (Node's Buffers and
 *   ArrayBuffers), from `process.memoryUsage().external`;
 * - `nativeBytes`: `anonymousBytes − v8HeapBytes`: malloc and stacks, where
 *   SQLite's page cache and Node's buffers live.
 *
 * Off Linux (no smaps_rollup), `anonymousBytes` and `fileBytes` are NaN and
 * `nativeBytes` is `rss − v8HeapBytes`.
 */
export interface ProcessMemory {
  rssBytes: number;
  anonymousBytes: number;
  fileBytes: number;
  v8HeapBytes: number;
  externalBytes: number;
  nativeBytes: number;
}

/** Samples this process (call it after a full GC for figures that compare). */
export function processMemory(): ProcessMemory {
  const usage = process.memoryUsage();
  const v8HeapBytes = getHeapStatistics().total_physical_size;
  const rollup = smapsRollup();
  const rssBytes = rollup?.Rss ?? usage.rss;
  const anonymousBytes = rollup?.Anonymous ?? Number.NaN;
  return {
    rssBytes,
    anonymousBytes,
    fileBytes: rssBytes - anonymousBytes,
    v8HeapBytes,
    externalBytes: usage.external,
    nativeBytes: (Number.isNaN(anonymousBytes) ? rssBytes : anonymousBytes) - v8HeapBytes,
  };
}

/** /proc/self/smaps_rollup's fields in bytes, or undefined where there is none (not Linux, old kernel). */
function smapsRollup(): Record<string, number> | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/self/smaps_rollup", "utf8");
  } catch {
    return undefined;
  }
  const fields: Record<string, number> = {};
  for (const match of text.matchAll(/^(\w+):\s+(\d+) kB$/gm)) fields[match[1]!] = Number(match[2]) * 1024;
  return "Rss" in fields && "Anonymous" in fields ? fields : undefined;
}
