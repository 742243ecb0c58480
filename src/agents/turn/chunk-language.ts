import { detectLanguage } from "../../safety/detect-language.js";
import type { Chunk } from "../../spec/knowledge.js";

/** Most chunks whose language is kept (as many as `readChunk` keeps read). */
export const MAX_KEPT_CHUNKS = 4096;
const kept = new Map<string, { title: string | null; text: string; verdicts: Map<string, string> }>();

/**
 * The language a chunk is written in (`detectLanguage` of its title and text,
 * among `languages`, `previous` winning a tie), kept per chunk: retrieval
 * mode asks it of the best passage on every turn, and folding and matching a
 * whole passage's words was a few percent of a turn's CPU. A pure function
 * of the chunk's title and text and the two arguments; a kept answer is used
 * only while the chunk's title and text are the ones it was worked out from
 * (a re-ingested source's chunks have new ids anyway). At most
 * `MAX_KEPT_CHUNKS` chunks, the least recently asked dropped first.
 */
export function chunkLanguage(
  chunk: Pick<Chunk, "id" | "title" | "text">,
  languages: string[],
  previous: string,
): string {
  let entry = kept.get(chunk.id);
  if (entry === undefined || entry.text !== chunk.text || entry.title !== chunk.title) {
    entry = { title: chunk.title, text: chunk.text, verdicts: new Map() };
  }
  // Most recently asked last: Map keeps insertion order, so the first entry is the one to drop.
  kept.delete(chunk.id);
  kept.set(chunk.id, entry);
  if (kept.size > MAX_KEPT_CHUNKS) kept.delete(kept.keys().next().value!);
  const key = `${languages.join(",")}\u0000${previous}`;
  let language = entry.verdicts.get(key);
  if (language === undefined) {
    language = detectLanguage(`${chunk.title ?? ""}\n${chunk.text}`, languages, previous);
    // A handful of keys a chunk (an agent's languages × the customer's); bounded all the same.
    if (entry.verdicts.size >= 16) entry.verdicts.clear();
    entry.verdicts.set(key, language);
  }
  return language;
}

/** How many chunks' languages are kept (for tests). */
export function chunkLanguageCount(): number {
  return kept.size;
}
