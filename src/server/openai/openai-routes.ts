import type { FastifyInstance } from "fastify";
import type { AgentRuntime } from "../../agents/index.js";
import type { ModelResolver } from "../../spec/models.js";
import type { Store } from "../../spec/store.js";
import type { InflightRequests } from "../inflight-requests.js";
import type { ServerLimits } from "../limits/server-limits.js";
import type { OpenStreams } from "../ops/open-streams.js";
import type { ServerMetrics } from "../ops/server-metrics.js";
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
  /** Token budgets, generation queues and deadlines (the per-key rate limit is a hook of its own). */
  limits: ServerLimits;
  metrics: ServerMetrics;
  /** Where streams register, so that a shutdown can end them cleanly. */
  streams: OpenStreams;
  /** Serves `agent:<name>` models; with `store`, which lists agents and holds the default tenant. */
  agents?: AgentRuntime;
  store?: Store;
}

/**
 * The OpenAI-compatible API, as a Fastify plugin to register under `/v1`:
 * chat completions (plain and SSE) for catalog models and for agents, the
 * model list (catalog and agents), embeddings.
 */
export async function openaiRoutes(app: FastifyInstance, options: OpenAIRoutesOptions): Promise<void> {
  registerChatCompletionsRoute(app, options);
  registerModelsRoute(app, options);
  registerEmbeddingsRoute(app, options);
}
