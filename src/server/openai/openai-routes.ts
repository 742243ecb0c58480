import type { FastifyInstance } from "fastify";
import type { ModelResolver } from "../../spec/models.js";
import type { InflightRequests } from "../inflight-requests.js";
import { registerChatCompletionsRoute } from "./chat-completions-route.js";
import { registerEmbeddingsRoute } from "./embeddings-route.js";
import { registerModelsRoute } from "./models-route.js";

export interface OpenAIRoutesOptions {
  models: ModelResolver;
  /** Whether a request may name a local `.gguf` path instead of a catalog model. */
  allowModelPaths: boolean;
  /** Milliseconds of silence after which a stream gets a `: ping` comment. */
  heartbeatMs: number;
  inflight: InflightRequests;
}

/**
 * The OpenAI-compatible API, as a Fastify plugin to register under `/v1`:
 * chat completions (plain and SSE), the model list, embeddings.
 */
export async function openaiRoutes(app: FastifyInstance, options: OpenAIRoutesOptions): Promise<void> {
  registerChatCompletionsRoute(app, options);
  registerModelsRoute(app, options);
  registerEmbeddingsRoute(app, options);
}
