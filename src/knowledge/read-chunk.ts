import type { Chunk } from "../spec/knowledge.js";
import { words } from "./fold-text.js";
import { type PassageUnit, passageUnits } from "./passage-units.js";

/** What ranking and excerpting read from a chunk; the same for as long as its title and text are. */
export interface ChunkReading {
  /** The folded words of its title and text (see `chunkWords`). */
  words: ReadonlySet<string>;
  /** The folded words of its own heading (the last of its heading path, see `ownHeading`). */
  heading: ReadonlySet<string>;
  /** Its text cut into sentences, list items and rows (`passageUnits`), made on first use. */
  units(): readonly PassageUnit[];
}

interface Entry extends ChunkReading {
  title: string | null;
  text: string;
}

/**
 * Most chunks kept read. An entry is the chunk's text (already held by the
 * store's page cache, but here a JS string) and a few hundred words: a demo
 * chunk is about 5 KB in all, so 4,096 chunks stay under about 20 MB, enough
 * for the candidates of every question of a few hundred busy businesses.
 */
export const MAX_READ_CHUNKS = 4096;

const cache = new Map<string, Entry>();

/**
 * A chunk as the retriever reads it (its words, its heading's words, its
 * passage units), computed once and kept while it is asked for: folding and
 * splitting the same 40 candidates' text again for every customer message was
 * about a sixth of a retrieval-mode turn's CPU (bench/agent-turns.ts
 * profile).
 *
 * Keyed by chunk id and checked against the chunk's title and text on every
 * read, so it can never answer for other content: a re-ingested source gets
 * new chunks (new ids), and a chunk whose text differs from the kept one is
 * read again. Removed chunks are never asked for again and fall out as the
 * least recently read; at most `MAX_READ_CHUNKS` are kept. The sets and
 * units returned are shared: read-only.
 */
export function readChunk(chunk: Pick<Chunk, "id" | "title" | "text">): ChunkReading {
  const kept = cache.get(chunk.id);
  if (kept !== undefined && kept.text === chunk.text && kept.title === chunk.title) {
    // Most recently read last: Map keeps insertion order, so the first entry is the one to evict.
    cache.delete(chunk.id);
    cache.set(chunk.id, kept);
    return kept;
  }
  const entry = read(chunk.title, chunk.text);
  cache.delete(chunk.id);
  cache.set(chunk.id, entry);
  if (cache.size > MAX_READ_CHUNKS) cache.delete(cache.keys().next().value!);
  return entry;
}

/** How many chunks are kept read (for tests). */
export function readChunkCount(): number {
  return cache.size;
}

function read(title: string | null, text: string): Entry {
  let units: PassageUnit[] | undefined;
  return {
    title,
    text,
    words: new Set(words(`${title ?? ""}\n${text}`)),
    heading: new Set(words(title?.split(" > ").at(-1) ?? "")),
    units: () => {
      units ??= passageUnits(text);
      return units;
    },
  };
}
