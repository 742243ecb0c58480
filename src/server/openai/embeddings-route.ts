import type { embedMany } from "ai";
import type { FastifyInstance } from "fastify";
import { loadAiSdk } from "../../models/ai-sdk.js";
import { admitGeneration } from "../limits/admit-generation.js";
import { estimateTokens } from "../limits/reserve-estimate.js";
import { parseBody } from "../parse-body.js";
import { RequestError } from "../request-error.js";
import { callerTenant } from "./caller-tenant.js";
import { embeddingRequestSchema } from "./embedding-request.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { NO_USAGE, specUsage, toOpenAIUsage } from "./openai-usage.js";
import { recordUsage } from "./record-usage.js";
import { resolveEmbeddingModel } from "./resolve-model.js";
import { untilAborted } from "./until-aborted.js";

/**
 * `POST /v1/embeddings`. Inputs are split into batches the model accepts
 * (`maxEmbeddingsPerCall`) by the AI SDK's `embedMany`; retries are left to
 * the provider (an HTTP provider retries in its own fetch), hence
 * `maxRetries: 0`. `dimensions` cannot resize a model's vectors: it is
 * accepted only when it equals the model's own dimension. Like a
 * non-streaming chat completion, it counts against the tenant's budget, waits
 * in the model's queue and has a deadline.
 */
export function registerEmbeddingsRoute(app: FastifyInstance, options: OpenAIRoutesOptions): void {
  const tenantOf = callerTenant(options.store);
  app.post("/embeddings", async (request, reply) => {
    const body = parseBody(embeddingRequestSchema, request.body);
    const controller = options.inflight.controllerFor(reply); // before any await (see controllerFor)
    const model = await resolveEmbeddingModel(options.models, body.model, {
      allowPaths: options.allowModelPaths,
    });
    const values = typeof body.input === "string" ? [body.input] : body.input;
    const { embedMany: embedAll } = await loadAiSdk(); // before the slot is taken: nothing to release if it fails
    const tenantId = await tenantOf(request);
    const admission = await admitGeneration(options.limits, reply, {
      tenantId,
      queue: body.model,
      stream: false,
      controller,
      reserveTokens: estimateTokens(values.reduce((chars, value) => chars + value.length, 0)),
    });
    options.metrics.modelUsed(body.model);
    let result: Awaited<ReturnType<typeof embedMany>>;
    const embedding = embedAll({ model, values, maxRetries: 0, abortSignal: admission.signal });
    embedding.then(admission.release, admission.release); // the slot is held until the engine stops
    try {
      result = await untilAborted(embedding, admission.signal);
    } catch (error) {
      throw admission.failure(error);
    }
    const { embeddings, usage } = result;
    const counted = toOpenAIUsage(specUsage(usage.tokens, 0)) ?? NO_USAGE;
    recordUsage(options, admission, body.model, counted);
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
      // OpenAI's embeddings usage has no completion half.
      usage: { prompt_tokens: counted.prompt_tokens, total_tokens: counted.total_tokens },
    };
  });
}
