import type { ChunkHit } from "../spec/knowledge.js";
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
 * Retrieval mode (no generative model): the best-matching FAQ answer, catalog
 * row or passage, said plainly to come from the business's documents, with
 * its source. The caller decides, from the hit's confidence, whether to use it.
 */
export function retrievalAnswer(hit: ChunkHit, language: string): RetrievalAnswer {
  const answer = typeof hit.chunk.metadata.answer === "string" ? hit.chunk.metadata.answer : undefined;
  // A FAQ answer is trimmed like a passage: a huge one (a 2 MB JSON field) must not become the reply.
  const body =
    answer === undefined ? trimPassage(hit.chunk.text, MAX_PASSAGE) : trimPassage(answer, MAX_ANSWER);
  const source = `${pick(phrases.source, language, phrases.source)}: ${hit.source.uri}${hit.chunk.location ? ` (${hit.chunk.location})` : ""}`;
  return {
    text: `${pick(phrases.fromDocuments, language, phrases.fromDocuments)}\n${body}\n\n${source} [S1]`,
    citations: [{ id: "S1", chunkId: hit.chunk.id, uri: hit.source.uri, location: hit.chunk.location }],
  };
}

function trimPassage(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("\n"));
  return `${end > max / 2 ? cut.slice(0, end + 1) : cut}…`;
}
