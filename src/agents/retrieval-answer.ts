import { isSuspectChunk } from "../safety/detect-injection.js";
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
  return hits.filter((hit) => !isSuspectChunk(hit.chunk));
}

function trimPassage(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("\n"));
  return `${end > max / 2 ? cut.slice(0, end + 1) : cut}…`;
}
