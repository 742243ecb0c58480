/**
 * Knowledge: documents in, chunks with their source and location out, and
 * hybrid retrieval over them. Everything else in this folder serves these.
 */
export { type ChunkDraft, type ChunkSizes, defaultChunkSizes } from "./chunk-draft.js";
export { bm25Query, createRetriever, maxSearchLimit, type RetrieverOptions } from "./create-retriever.js";
export { type Detected, detectSourceKind } from "./detect-source-kind.js";
export { chunkEmbeddingText, type EmbedPendingOptions, embedPendingChunks } from "./embed-pending-chunks.js";
export { extractChunks } from "./extract-chunks.js";
export { IngestLimitError, type IngestLimitName } from "./ingest-limit-error.js";
export {
  type DocumentLimits,
  defaultIngestLimits,
  type IngestLimits,
  type IngestLimitsInput,
  resolveIngestLimits,
} from "./ingest-limits.js";
export {
  defaultMaxFileBytes,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  ingestSources,
} from "./ingest-sources.js";
export { contentTerms, termVariants } from "./query-terms.js";
export { type Fused, reciprocalRankFusion, rrfK } from "./reciprocal-rank-fusion.js";
export { termCoverage } from "./term-coverage.js";
