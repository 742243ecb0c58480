import { embedMany } from "ai";
import type { FastifyInstance } from "fastify";
import { parseBody } from "../parse-body.js";
import { RequestError } from "../request-error.js";
import { embeddingRequestSchema } from "./embedding-request.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { resolveEmbeddingModel } from "./resolve-model.js";

/**
 * `POST /v1/embeddings`. Inputs are split into batches the model accepts
 * (`maxEmbeddingsPerCall`) by the AI SDK's `embedMany`; retries are left to
 * the provider (an HTTP provider retries in its own fetch), hence
 * `maxRetries: 0`. `dimensions` cannot resize a model's vectors: it is
 * accepted only when it equals the model's own dimension.
 */
export function registerEmbeddingsRoute(app: FastifyInstance, options: OpenAIRoutesOptions): void {
  app.post("/embeddings", async (request, reply) => {
    const body = parseBody(embeddingRequestSchema, request.body);
    const model = await resolveEmbeddingModel(options.models, body.model, {
      allowPaths: options.allowModelPaths,
    });
    const values = typeof body.input === "string" ? [body.input] : body.input;
    const { embeddings, usage } = await embedMany({
      model,
      values,
      maxRetries: 0,
      abortSignal: options.inflight.signalFor(reply),
    });
    const dimension = embeddings[0]?.length ?? 0;
    if (body.dimensions != null && body.dimensions !== dimension) {
      throw new RequestError(
        `this model gives ${dimension}-dimensional embeddings; it cannot give ${body.dimensions}`,
        {
          code: "invalid_request",
          param: "dimensions",
        },
      );
    }
    const base64 = body.encoding_format === "base64";
    return {
      object: "list",
      model: body.model,
      data: embeddings.map((embedding, index) => ({
        object: "embedding",
        index,
        embedding: base64 ? Buffer.from(new Float32Array(embedding).buffer).toString("base64") : embedding,
      })),
      usage: { prompt_tokens: usage.tokens, total_tokens: usage.tokens },
    };
  });
}
