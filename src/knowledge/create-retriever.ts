import { loadAiSdk } from "../models/ai-sdk.js";
import { ValidationError } from "../spec/errors.js";
import type { ChunkHit, RetrievedHit, Retriever, SearchMode } from "../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../spec/models.js";
import type { StoreRepositories } from "../spec/store.js";
import { bestExcerpt } from "./best-excerpt.js";
import { planQuery, planSearchWords } from "./query-plan.js";
import { termVariants } from "./query-terms.js";
import { rankByCoverage, semanticRanks } from "./rank-by-coverage.js";
import { readChunk } from "./read-chunk.js";
import { weighTerms, weightedCoverage } from "./weigh-terms.js";

export interface RetrieverOptions {
  store: Pick<StoreRepositories, "knowledge">;
  /** The agent's embedding model (the one its chunks were embedded with). Without it: BM25 only. */
  embed?: EmbeddingModelV3;
  /** Hits taken from each search, at least: BM25 8 × limit and 40, vector 4 × limit and 20. */
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
 * - `hybrid`: both searches, their candidates re-ranked together the same
 *   way (the lexicon, rarity-weighted coverage, headings, best excerpt), the
 *   vector ranking adding to a chunk's score the less of the question the
 *   best candidate holds (`SEMANTIC_WEIGHT` in rank-by-coverage.ts): with
 *   every word of the question in some chunk it only breaks ties, so a
 *   nearest neighbour never overrides strong lexical evidence; with no word
 *   of the question anywhere it orders alone. Without `embed` it is `bm25`.
 *   The default mode is `hybrid` with `embed`, else `bm25`.
 *
 * `score` is the mode's own (the re-ranking's, or the cosine similarity for
 * `vector`). `confidence` is comparable across modes (see `RetrievedHit`):
 * the rarity-weighted share of the question's terms the chunk holds, a
 * translation counting 0.9 and a word no candidate holds weighing most (see
 * `weighTerms`); for `vector` alone, the cosine similarity when higher. Not in
 * hybrid: a cosine is not a probability, and each model has its own scale (a
 * random-weight model gives 0.23–0.32 to anything, multilingual-e5 mostly 0.7–1.0),
 * so an answer needs the words. `excerpt` is the
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
      const searchWords = planSearchWords(plan).slice(0, maxQueryTerms).join(" ");
      const hybrid = chosen === "hybrid" && embed !== undefined;
      const lexical =
        chosen === "vector" || searchWords === ""
          ? []
          : await store.knowledge.searchText(
              tenantId,
              agentId,
              searchWords,
              Math.max(options.candidates ?? 0, limit * 8, 40),
            );
      const semantic =
        chosen === "bm25" || !embed || query.trim() === ""
          ? []
          : await store.knowledge.searchVector(
              tenantId,
              agentId,
              await embedQuery(embed, query.slice(0, maxEmbeddedQueryChars)),
              Math.max(options.candidates ?? 0, limit * 4, 20),
            );
      // Hybrid re-ranks both searches' candidates together; one found only by its vector has no BM25 score.
      const found = new Set(lexical.map((hit) => hit.chunk.id));
      const candidates = hybrid
        ? [
            ...lexical,
            ...semantic.filter((hit) => !found.has(hit.chunk.id)).map((hit) => ({ ...hit, score: 0 })),
          ]
        : chosen === "vector"
          ? semantic
          : lexical;
      // Words are weighed over what the words found: neighbours of a random or off-topic vector must not
      // lend a missing word a typo's correction, nor change how rare a word is.
      const weighed = weighTerms(
        plan,
        (chosen === "vector" ? semantic : lexical).map((hit) => readChunk(hit.chunk).words),
      );
      const similarity = new Map(semantic.map((hit) => [hit.chunk.id, hit.score]));
      const coverage = (hit: ChunkHit) => {
        const { words, heading } = readChunk(hit.chunk);
        return weightedCoverage(weighed, words, heading);
      };
      // Vector search alone has only the cosine to go by; hybrid and BM25 answer as surely as the words say.
      const confidence = (hit: ChunkHit) =>
        Math.min(
          1,
          chosen === "vector" ? Math.max(coverage(hit), similarity.get(hit.chunk.id) ?? 0) : coverage(hit),
        );

      // Re-ranked hits carry their coverage, worked out as `coverage` would: their confidence without a second pass.
      const ranked: Array<ChunkHit & { coverage?: number }> =
        chosen === "vector"
          ? semantic
          : rankByCoverage(candidates, weighed, hybrid ? semanticRanks(semantic) : undefined).map(
              ({ hit, rank, coverage }) => ({ ...hit, score: rank, coverage }),
            );
      return ranked.slice(0, limit).map(({ coverage: held, ...hit }): RetrievedHit => {
        const readWhole = hit.source.kind === "csv" || hit.source.kind === "json";
        const excerpt = readWhole ? undefined : bestExcerpt(readChunk(hit.chunk).units(), weighed);
        const sure = held === undefined ? confidence(hit) : Math.min(1, held);
        return { ...hit, confidence: sure, ...(excerpt === undefined ? {} : { excerpt }) };
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
  const { embed } = await loadAiSdk();
  const { embedding } = await embed({ model, value: query, maxRetries: 2 });
  return Float32Array.from(embedding);
}
