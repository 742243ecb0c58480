/**
 * A business's knowledge: its documents, cut into chunks that keep their
 * source and location, indexed for BM25 (always) and vectors (when the agent
 * has an embedding model). The store persists and searches the index
 * (`StoreRepositories.knowledge`); `src/knowledge` extracts, chunks, embeds
 * and fuses the rankings.
 */

export type SourceKind = "markdown" | "text" | "html" | "pdf" | "csv" | "json";

export interface KnowledgeSource {
  id: string;
  tenantId: string;
  agentId: string;
  /** What the person added: a path relative to where it was added from, or a name. Unique per agent. */
  uri: string;
  kind: SourceKind;
  /** SHA-256 of the bytes: re-ingesting unchanged content does nothing. */
  contentHash: string;
  bytes: number;
  chunkCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ChunkInput {
  /** 0, 1, 2… in reading order within the source. */
  ordinal: number;
  /** The text that is searched and shown to the model. */
  text: string;
  /** The heading, question or row label it sits under, if any; searched with the text. */
  title: string | null;
  /** Where it is in the source, for citations: `## Horarios`, `row 12`, `page 3`, `faq[4]`. */
  location: string;
  /** Structured extras: an FAQ's `answer`, a catalog row's columns. */
  metadata: Record<string, unknown>;
}

export interface Chunk extends ChunkInput {
  id: string;
  sourceId: string;
}

export interface ChunkHit {
  chunk: Chunk;
  source: Pick<KnowledgeSource, "id" | "uri" | "kind">;
  /** Higher is better. BM25: the negated bm25() score; vector: 1 - distance; hybrid: fused RRF score. */
  score: number;
}

export type SearchMode = "bm25" | "vector" | "hybrid";

/** A hit as the `Retriever` returns it: a `ChunkHit` with a confidence the runtime can threshold on. */
export interface RetrievedHit extends ChunkHit {
  /**
   * How well the chunk covers the query, 0..1, comparable across queries,
   * modes and agents (`score` is not): the share of the query's topic words
   * (stopwords out; case, accents, plural and verb forms ignored; a word the
   * bilingual lexicon relates counting a little less) found in the chunk's
   * title or text, each weighted by its rarity among the candidates and a word
   * no candidate holds weighing most; for a hit that vector search found, at
   * least its cosine similarity. 0 when the query has no topic word (`hola`).
   */
  confidence: number;
  /**
   * The few sentences, list items or table rows of the chunk that answer the
   * query, as plain text (table rows read as "Domingo: 8:00 – 14:30"), for
   * answering without a model; absent where the chunk is read whole (a CSV
   * row, a JSON entry) or the retriever does not pick excerpts.
   */
  excerpt?: string;
}

/** What the agent runtime and the `search_knowledge` tool use to search an agent's knowledge. */
export interface Retriever {
  search(input: {
    tenantId: string;
    agentId: string;
    query: string;
    limit?: number;
    mode?: SearchMode;
  }): Promise<RetrievedHit[]>;
}

export interface Ticket {
  id: string;
  tenantId: string;
  agentId: string;
  conversationId: string | null;
  subject: string;
  body: string;
  status: "open" | "closed";
  /** Contact details the customer gave, order numbers, priority. */
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
