import type { ChunkInput } from "../spec/knowledge.js";

/** A chunk as a chunker produces it; ingestion numbers them (`ordinal`) in reading order. */
export type ChunkDraft = Omit<ChunkInput, "ordinal">;

/**
 * Chunk sizes, in characters (UTF-16 code units). A section longer than `max`
 * is split at paragraph, then sentence, then word boundaries into pieces of
 * roughly `min`..`max`, each after the first starting with up to `overlap`
 * characters of the previous one, so that a sentence cut at a boundary is still
 * found with its context. Atomic blocks (code fences, `<pre>`) are never split
 * below `atomicMax`.
 */
export interface ChunkSizes {
  min: number;
  max: number;
  overlap: number;
  atomicMax: number;
}

export const defaultChunkSizes: ChunkSizes = { min: 800, max: 1200, overlap: 150, atomicMax: 4000 };

/**
 * Most characters a chunker gathers before handing them on, whatever the
 * input's shape (a file without blank lines is one "paragraph"): beyond it a
 * paragraph or block is passed to the section chunker in parts, keeping
 * memory bounded for files of any size.
 */
export const maxGatherChars = 64 * 1024;
