import { isSuspectChunk, suspectChunkKey } from "../safety/detect-injection.js";
import { sanitizeCustomerText } from "../safety/sanitize-customer-text.js";
import { sourceDisplayName } from "../safety/source-display-name.js";
import type { ChunkHit, RetrievedHit } from "../spec/knowledge.js";
import type { Citation } from "./assemble-prompt.js";
import { phrases, pick } from "./localized.js";

export interface RetrievalAnswer {
  text: string;
  citations: Citation[];
}

const MAX_PASSAGE = 600;
/** A FAQ answer is written to be read whole; only an unreasonably long one is cut. */
const MAX_ANSWER = 2000;

/**
 * Retrieval mode (no generative model): the best-matching FAQ answer (under its question), catalog
 * row, or the best few sentences of a passage (the retriever's `excerpt`;
 * the passage's beginning without one), said plainly to come from the business's documents, with
 * its source named by file name (never the path it was added from). The
 * passage is sanitised (`sanitizeCustomerText`: no HTML, no `javascript:`
 * links). The caller decides, from the hit's confidence, whether to use it,
 * and never passes a chunk that gives the assistant orders (see
 * `answerableHits`). Undefined when nothing is left to say once sanitised.
 */
export function retrievalAnswer(
  hit: ChunkHit & Pick<RetrievedHit, "excerpt">,
  language: string,
): RetrievalAnswer | undefined {
  const answer = typeof hit.chunk.metadata.answer === "string" ? hit.chunk.metadata.answer : undefined;
  // A FAQ answer is trimmed like a passage: a huge one (a 2 MB JSON field) must not become the reply.
  // A FAQ answer comes under its question: "Sí, en la tienda…" alone does not say to what.
  const question = answer !== undefined && hit.chunk.title ? `${trimPassage(hit.chunk.title, 200)}\n` : "";
  const body = sanitizeCustomerText(
    answer !== undefined
      ? `${question}${trimPassage(answer, MAX_ANSWER)}`
      : trimPassage(hit.excerpt ?? hit.chunk.text, MAX_PASSAGE),
  ).trim();
  if (body === "") return undefined;
  const name = sourceDisplayName(hit.source.uri);
  const location = sanitizeCustomerText(hit.chunk.location);
  const source = `${pick(phrases.source, language, phrases.source)}: ${name}${location ? ` (${location})` : ""}`;
  return {
    text: `${pick(phrases.fromDocuments, language, phrases.fromDocuments)}\n${body}\n\n${source} [S1]`,
    citations: [{ id: "S1", chunkId: hit.chunk.id, uri: name, location }],
  };
}

/** The hits retrieval mode may answer from: those whose chunk does not read as orders to the assistant. */
export function answerableHits<T extends ChunkHit>(hits: T[]): T[] {
  return hits.filter((hit) => !suspect(hit.chunk));
}

/** Most chunks whose verdict is kept (as many as `readChunk` keeps read). */
const MAX_JUDGED_CHUNKS = 4096;
const judged = new Map<string, { title: string | null; text: string; flag: unknown; suspect: boolean }>();

/**
 * `isSuspectChunk`, kept per chunk: its patterns over the same five passages
 * were a twentieth of a retrieval-mode turn's CPU. Keyed by chunk id and
 * checked against the title, text and flag it was judged on, so a changed
 * chunk is judged again; the least recently judged fall out past the bound.
 */
function suspect(chunk: ChunkHit["chunk"]): boolean {
  const flag = chunk.metadata[suspectChunkKey];
  const kept = judged.get(chunk.id);
  if (kept !== undefined && kept.text === chunk.text && kept.title === chunk.title && kept.flag === flag) {
    judged.delete(chunk.id);
    judged.set(chunk.id, kept);
    return kept.suspect;
  }
  const verdict = isSuspectChunk(chunk);
  judged.delete(chunk.id);
  judged.set(chunk.id, { title: chunk.title, text: chunk.text, flag, suspect: verdict });
  if (judged.size > MAX_JUDGED_CHUNKS) judged.delete(judged.keys().next().value!);
  return verdict;
}

function trimPassage(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("\n"));
  return `${end > max / 2 ? cut.slice(0, end + 1) : cut}…`;
}
