import type { ChunkHit } from "../spec/knowledge.js";
import type { Citation } from "./assemble-prompt.js";
import { phrases, pick } from "./localized.js";

export interface RetrievalAnswer {
  text: string;
  citations: Citation[];
}

const MAX_PASSAGE = 600;

/**
 * Retrieval mode (no generative model): the best-matching FAQ answer, catalog
 * row or passage, said plainly to come from the business's documents, with
 * its source. The caller decides, from the hit's confidence, whether to use it.
 */
export function retrievalAnswer(hit: ChunkHit, language: string): RetrievalAnswer {
  const answer = typeof hit.chunk.metadata.answer === "string" ? hit.chunk.metadata.answer : undefined;
  const body = answer ?? trimPassage(hit.chunk.text);
  const source = `${pick(phrases.source, language, phrases.source)}: ${hit.source.uri}${hit.chunk.location ? ` (${hit.chunk.location})` : ""}`;
  return {
    text: `${pick(phrases.fromDocuments, language, phrases.fromDocuments)}\n${body}\n\n${source} [S1]`,
    citations: [{ id: "S1", chunkId: hit.chunk.id, uri: hit.source.uri, location: hit.chunk.location }],
  };
}

function trimPassage(text: string): string {
  if (text.length <= MAX_PASSAGE) return text;
  const cut = text.slice(0, MAX_PASSAGE);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("\n"));
  return `${end > MAX_PASSAGE / 2 ? cut.slice(0, end + 1) : cut}…`;
}
