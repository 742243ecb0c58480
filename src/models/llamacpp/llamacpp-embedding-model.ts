import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from "@ai-sdk/provider";
import { AlambiqueError } from "../../spec/errors.js";
import type { ModelPool } from "./model-pool.js";

/**
 * Text embeddings from a GGUF model's embedding context, as an AI SDK
 * `EmbeddingModelV3`. Works with embedding models (BERT-like, pooled) and
 * with generative models (node-llama-cpp pools their last hidden state).
 * Vectors are deterministic: same model file, same text, same vector.
 */

export interface LlamaCppEmbeddingModelConfig {
  provider: string;
  pool: ModelPool;
  /** Values per `doEmbed` call; the AI SDK's `embedMany` splits larger batches. Default 64. */
  maxEmbeddingsPerCall?: number;
}

export class LlamaCppEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = "v3";
  readonly modelId: string;
  readonly provider: string;
  readonly maxEmbeddingsPerCall: number;
  /** One embedding context per model evaluates one text at a time, so parallel calls would only queue. */
  readonly supportsParallelCalls = false;
  readonly #pool: ModelPool;

  constructor(modelId: string, config: LlamaCppEmbeddingModelConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.maxEmbeddingsPerCall = config.maxEmbeddingsPerCall ?? 64;
    this.#pool = config.pool;
  }

  /** The vector length of this model (loads it). */
  async dimensions(): Promise<number> {
    return (await this.#pool.load(this.modelId)).model.embeddingVectorSize;
  }

  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const { values, abortSignal } = options;
    if (values.length > this.maxEmbeddingsPerCall) {
      throw new AlambiqueError(
        `${values.length} values in one embedding call; the limit is ${this.maxEmbeddingsPerCall}`,
        {
          code: "too_many_embedding_values",
          status: 400,
          retryable: false,
          hint: "Use the AI SDK's embedMany, which splits the values into calls of the allowed size.",
        },
      );
    }
    return this.#pool.withEmbeddingContext(this.modelId, async (context, loaded) => {
      const embeddings: number[][] = [];
      let tokens = 0;
      for (const [index, value] of values.entries()) {
        abortSignal?.throwIfAborted();
        const length = context.calculateInputLength(value);
        tokens += length;
        try {
          embeddings.push([...(await context.getEmbeddingFor(value)).vector]);
        } catch (error) {
          const tooLong = /longer than the usable context/i.test((error as Error).message);
          throw new AlambiqueError(
            `cannot embed value ${index} (${length} tokens) with ${loaded.facts.realPath}: ${(error as Error).message}`,
            {
              code: tooLong ? "context_length_exceeded" : "embedding_failed",
              status: 400,
              retryable: false,
              hint: "Split long texts into chunks shorter than the model's context before embedding them.",
              cause: error,
            },
          );
        }
      }
      return { embeddings, usage: { tokens }, warnings: [] };
    });
  }
}
