import { embed as embedOne } from "ai";
import { ValidationError } from "../spec/errors.js";
import type { ChunkHit, RetrievedHit, Retriever, SearchMode } from "../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../spec/models.js";
import type { StoreRepositories } from "../spec/store.js";
import { contentTerms, termVariants } from "./query-terms.js";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
import { termCoverage } from "./term-coverage.js";

export interface RetrieverOptions {
  store: Pick<StoreRepositories, "knowledge">;
  /** The agent's embedding model (the one its chunks were embedded with). Without it: BM25 only. */
  embed?: EmbeddingModelV3;
  /** Hits taken from each ranking before fusion. Default: 4 × limit, at least 20. */
  candidates?: number;
}

/** Most hits one search returns. */
export const maxSearchLimit = 100;
/** Only this much of a query is read for BM25, and this many topic words (the store's own limit). */
const maxQueryChars = 64 * 1024;
const maxQueryTerms = 32;
/** Only this much of a query is embedded (a small embedding model's context is a few hundred tokens). */
const maxEmbeddedQueryChars = 2000;

/**
 * Search over an agent's knowledge, as `Retriever` (src/spec/knowledge.ts).
 *
 * - `bm25`: the store's BM25 over the query's topic words (see
 *   `contentTerms`: stopwords of both languages and chat shorthand left out)
 *   and their likely other forms (`termVariants`: plural, gender, verb
 *   forms), because the index matches whole words only.
 * - `vector`: nearest chunks to the query's embedding; needs `embed`.
 * - `hybrid`: reciprocal rank fusion (k = 60) of both; without `embed` it is
 *   `bm25` alone. The default mode is `hybrid` with `embed`, else `bm25`.
 *
 * `score` is the mode's own (negated bm25(), cosine similarity, or fused
 * RRF score); `confidence` is comparable across modes (see `RetrievedHit`).
 * Throws ValidationError for a limit outside 1..100 or `vector` without a model.
 */
export function createRetriever(options: RetrieverOptions): Retriever {
  const { store, embed } = options;
  return {
    async search({ tenantId, agentId, query, limit = 5, mode }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > maxSearchLimit) {
        throw new ValidationError(
          `limit must be a whole number from 1 to ${maxSearchLimit}, got ${limit}`,
          [{ path: ["limit"], message: `expected 1..${maxSearchLimit}` }],
          "Ask for fewer hits; 3 to 8 is what a model's prompt can use.",
        );
      }
      const chosen: SearchMode = mode ?? (embed ? "hybrid" : "bm25");
      if (chosen === "vector" && !embed) {
        throw new ValidationError(
          "vector search needs an embedding model, and this agent has none",
          [{ path: ["mode"], message: "vector without an embedding model" }],
          "Set embeddingModel in the agent spec and add the knowledge again, or search with mode bm25 or hybrid.",
        );
      }
      const candidates = Math.max(options.candidates ?? 0, limit * 4, 20);
      // A pasted page is searched by its beginning: bounded work, and the embedding model's context.
      const terms = contentTerms(query.slice(0, maxQueryChars)).slice(0, maxQueryTerms);
      const lexical =
        chosen === "vector" || terms.length === 0
          ? []
          : await store.knowledge.searchText(tenantId, agentId, bm25Query(terms), candidates);
      const semantic =
        chosen === "bm25" || !embed || query.trim() === ""
          ? []
          : await store.knowledge.searchVector(
              tenantId,
              agentId,
              await embedQuery(embed, query.slice(0, maxEmbeddedQueryChars)),
              candidates,
            );
      const similarity = new Map(semantic.map((hit) => [hit.chunk.id, hit.score]));
      const confidence = (hit: ChunkHit) =>
        Math.min(
          1,
          Math.max(
            termCoverage(terms, `${hit.chunk.title ?? ""}\n${hit.chunk.text}`),
            similarity.get(hit.chunk.id) ?? 0,
          ),
        );

      let ranked: ChunkHit[];
      if (chosen === "bm25" || !embed) ranked = lexical;
      else if (chosen === "vector") ranked = semantic;
      else {
        ranked = reciprocalRankFusion([lexical, semantic], (hit) => hit.chunk.id).map(({ item, score }) => ({
          ...item,
          score,
        }));
      }
      return ranked.slice(0, limit).map((hit): RetrievedHit => ({ ...hit, confidence: confidence(hit) }));
    },
  };
}

/**
 * Topic words first, then their variants taken in turns (the first variant of
 * each word, then the second…): the store reads at most 32 words, in order,
 * so every word keeps its likeliest forms however long the question is.
 */
export function bm25Query(terms: readonly string[]): string {
  const all = new Set(terms);
  const variants = terms.map((term) => termVariants(term));
  for (let i = 0; variants.some((list) => i < list.length); i++) {
    for (const list of variants) {
      const variant = list[i];
      if (variant !== undefined) all.add(variant);
    }
  }
  return [...all].join(" ");
}

async function embedQuery(model: EmbeddingModelV3, query: string): Promise<Float32Array> {
  const { embedding } = await embedOne({ model, value: query, maxRetries: 2 });
  return Float32Array.from(embedding);
}
