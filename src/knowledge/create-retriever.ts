import { embed as embedOne } from "ai";
import { ValidationError } from "../spec/errors.js";
import type { ChunkHit, RetrievedHit, Retriever, SearchMode } from "../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../spec/models.js";
import type { StoreRepositories } from "../spec/store.js";
import { bestExcerpt } from "./best-excerpt.js";
import { words } from "./fold-text.js";
import { planQuery, planSearchWords } from "./query-plan.js";
import { contentTerms, termVariants } from "./query-terms.js";
import { rankByCoverage } from "./rank-by-coverage.js";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
import { chunkWords, ownHeading, weighTerms, weightedCoverage } from "./weigh-terms.js";

export interface RetrieverOptions {
  store: Pick<StoreRepositories, "knowledge">;
  /** The agent's embedding model (the one its chunks were embedded with). Without it: BM25 only. */
  embed?: EmbeddingModelV3;
  /** Hits taken from each ranking: for BM25 alone (re-ranked) 8 × limit, at least 40; for fusion 4 × limit, at least 20. */
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
 *   `contentTerms`: stopwords of both languages and chat shorthand left out),
 *   their likely other forms (`termVariants`: plural, gender, verb forms,
 *   because the index matches whole words only) and the words the bilingual
 *   lexicon relates to them (`planQuery`: "hours" finds "horario"); its
 *   candidates re-ranked by the rarity-weighted share of the question each
 *   holds (`rankByCoverage`), so a passage with every telling word beats an
 *   FAQ that shares a common one. `score` is then that re-ranking's.
 * - `vector`: nearest chunks to the query's embedding; needs `embed`.
 * - `hybrid`: reciprocal rank fusion (k = 60) of both; without `embed` it is
 *   `bm25` alone. The default mode is `hybrid` with `embed`, else `bm25`.
 *
 * `score` is the mode's own (the re-ranked BM25 score, cosine similarity,
 * or the fused RRF score of the store's BM25 and vector rankings); `confidence` is comparable across modes (see `RetrievedHit`):
 * the rarity-weighted share of the question's terms the chunk holds, a
 * translation counting 0.85 and a word no candidate holds weighing most (see
 * `weighTerms`), or the cosine similarity when higher. `excerpt` is the
 * passage's best few sentences or rows for the query (`bestExcerpt`; not for
 * CSV rows and JSON entries, which are read whole).
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
      // A pasted page is searched by its beginning: bounded work, and the embedding model's context.
      const plan = planQuery(query.slice(0, maxQueryChars), maxQueryTerms);
      // BM25 alone is re-ranked by coverage, from a wider pool; hybrid fuses the store's own BM25 ranking.
      const reranking = chosen === "bm25" || !embed;
      const candidates = Math.max(
        options.candidates ?? 0,
        reranking ? Math.max(limit * 8, 40) : limit * 4,
        20,
      );
      const searchWords = reranking
        ? planSearchWords(plan).slice(0, maxQueryTerms).join(" ")
        : bm25Query(contentTerms(query.slice(0, maxQueryChars)).slice(0, maxQueryTerms));
      const lexical =
        chosen === "vector" || searchWords === ""
          ? []
          : await store.knowledge.searchText(tenantId, agentId, searchWords, candidates);
      const semantic =
        chosen === "bm25" || !embed || query.trim() === ""
          ? []
          : await store.knowledge.searchVector(
              tenantId,
              agentId,
              await embedQuery(embed, query.slice(0, maxEmbeddedQueryChars)),
              candidates,
            );
      const pool = new Map([...lexical, ...semantic].map((hit) => [hit.chunk.id, chunkWords(hit.chunk)]));
      const weighed = weighTerms(plan, [...pool.values()]);
      const similarity = new Map(semantic.map((hit) => [hit.chunk.id, hit.score]));
      const confidence = (hit: ChunkHit) =>
        Math.min(
          1,
          Math.max(
            weightedCoverage(
              weighed,
              pool.get(hit.chunk.id) ?? chunkWords(hit.chunk),
              new Set(words(ownHeading(hit.chunk.title))),
            ),
            similarity.get(hit.chunk.id) ?? 0,
          ),
        );

      let ranked: ChunkHit[];
      if (reranking) {
        ranked = rankByCoverage(lexical, weighed).map(({ hit, rank }) => ({ ...hit, score: rank }));
      } else if (chosen === "vector") ranked = semantic;
      else {
        ranked = reciprocalRankFusion([lexical, semantic], (hit) => hit.chunk.id).map(({ item, score }) => ({
          ...item,
          score,
        }));
      }
      return ranked.slice(0, limit).map((hit): RetrievedHit => {
        const readWhole = hit.source.kind === "csv" || hit.source.kind === "json";
        const excerpt = readWhole ? undefined : bestExcerpt(hit.chunk.text, weighed);
        return { ...hit, confidence: confidence(hit), ...(excerpt === undefined ? {} : { excerpt }) };
      });
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
