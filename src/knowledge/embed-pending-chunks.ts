import { loadAiSdk } from "../models/ai-sdk.js";
import { AlambiqueError } from "../spec/errors.js";
import type { Chunk } from "../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../spec/models.js";
import type { StoreRepositories } from "../spec/store.js";

export interface EmbedPendingOptions {
  store: Pick<StoreRepositories, "knowledge">;
  tenantId: string;
  agentId: string;
  model: EmbeddingModelV3;
  /** The name the vectors are stored under (the catalog name); default `model.modelId`. */
  modelName?: string;
  /** Chunks per store round trip and embedding call. Default 32. */
  batchSize?: number;
  /** Called after each batch with the number of chunks embedded so far. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/** What is embedded for a chunk: its title (heading path, question, product name) and its text. */
export function chunkEmbeddingText(chunk: Pick<Chunk, "title" | "text">): string {
  return chunk.title ? `${chunk.title}\n${chunk.text}` : chunk.text;
}

/**
 * Embeds every chunk of the agent that has no vector from this model yet, in
 * batches, and stores the vectors. Returns how many were embedded. Resumable:
 * an interrupted run leaves the embedded batches stored, and the next run
 * embeds only the rest. Throws what the model or the store throws (the store
 * refuses a second embedding model for one agent, naming both).
 */
export async function embedPendingChunks(options: EmbedPendingOptions): Promise<number> {
  const { store, tenantId, agentId, model, signal } = options;
  const name = options.modelName ?? model.modelId;
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const seen = new Set<string>();
  let done = 0;
  for (;;) {
    signal?.throwIfAborted();
    const chunks = await store.knowledge.chunksWithoutVectors(tenantId, agentId, name, batchSize);
    if (chunks.length === 0) return done;
    if (chunks.every((chunk) => seen.has(chunk.id))) {
      // A store that keeps returning embedded chunks would loop for ever.
      throw new AlambiqueError("the store still lists chunks as unembedded after their vectors were stored", {
        code: "knowledge_embedding_stuck",
        status: 500,
        retryable: false,
        hint: "This is a bug in the store implementation: report it with the store kind (sqlite or postgres).",
      });
    }
    const { embedMany } = await loadAiSdk();
    const { embeddings } = await embedMany({
      model,
      values: chunks.map(chunkEmbeddingText),
      maxRetries: 2,
      ...(signal ? { abortSignal: signal } : {}),
    });
    await store.knowledge.putVectors(
      tenantId,
      agentId,
      name,
      chunks.map((chunk, i) => ({ chunkId: chunk.id, vector: Float32Array.from(embeddings[i] ?? []) })),
    );
    for (const chunk of chunks) seen.add(chunk.id);
    done += chunks.length;
    options.onProgress?.(done);
  }
}
