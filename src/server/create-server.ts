import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { AgentRuntime } from "../agents/agent-runtime.js";
import { ConversationDesk } from "../agents/conversation-desk.js";
import { ChannelHealth, type ChannelHealthOptions } from "../channels/channel-health.js";
import { ChannelHub, type ChannelHubOptions } from "../channels/channel-hub.js";
import type { IngestLimitsInput } from "../knowledge/ingest-limits.js";
import { defaultMaxFileBytes } from "../knowledge/ingest-sources.js";
import type { ChangeFeed } from "../spec/change-feed.js";
import type { FeedbackCapStore } from "../spec/feedback-caps.js";
import type { ModelResolver } from "../spec/models.js";
import type { RateLimitStore } from "../spec/rate-limits.js";
import type { Store } from "../spec/store.js";
import type { TokenBudgetStore } from "../spec/token-budgets.js";
import { apiPlugin } from "./api/api-routes.js";
import { defaultAccess } from "./auth/default-access.js";
import { type AuthMode, installAuth } from "./auth/install-auth.js";
import { admitChannelTurn } from "./channels/admit-channel-turn.js";
import { channelCustomerAnswer } from "./channels/channel-customer-answer.js";
import { channelWebhookRoutes } from "./channels/channel-webhook-routes.js";
import { consolePlugin } from "./console/console-plugin.js";
import { InflightRequests } from "./inflight-requests.js";
import { installCors } from "./install-cors.js";
import { installJsonBodyParser } from "./json-body.js";
import { lazySchemaCompilers } from "./lazy-schema-compilers.js";
import { rateLimitPlugin } from "./limits/rate-limit-plugin.js";
import { setRetryAfter } from "./limits/retry-after.js";
import { createLimits, type LimitsOptions, serverTimeouts } from "./limits/server-limits.js";
import { openaiRoutes } from "./openai/openai-routes.js";
import { toOpenAIError } from "./openai-error.js";
import { OpenStreams } from "./ops/open-streams.js";
import { opsPlugin } from "./ops/ops-plugin.js";
import { ServerMetrics } from "./ops/server-metrics.js";
import { type VisitorSessionOptions, VisitorSessions } from "./visitor/visitor-sessions.js";
import { registerWidgetRoute } from "./widget/widget-route.js";

export interface ServerOptions {
  models: ModelResolver;
  /** Serves agents (agent models in `/v1`). */
  agents?: AgentRuntime;
  /** Request logs go here, each line with the request's id (`reqId`). Default: no logging. */
  logger?: Logger;
  /** Largest accepted request body, in bytes. Default 4 MiB: long chat histories, not uploads. */
  bodyLimit?: number;
  /** Milliseconds of silence after which an SSE stream gets a `: ping` comment. Default 15 000. */
  heartbeatMs?: number;
  /**
   * Whether an API request may name a local `.gguf` path as its model. Default
   * false: only catalog names, so a network client cannot make the server open files.
   */
  allowModelPaths?: boolean;
  /** Where knowledge uploads are staged while they are ingested. Default: the system's temp folder. */
  uploadDir?: string;
  /** Where `POST /api/model-downloads` writes Hugging Face models (`<data>/models`). Default: the system's temp folder. */
  modelsDir?: string;
  /** Largest uploaded file, in bytes. Default 50 MiB (the ingester's own limit). */
  maxUploadBytes?: number;
  /** Most files in one upload. Default 20. */
  maxUploadFiles?: number;
  /** Bound on the bytes one tenant's queued uploads hold in the store (`Prefer: respond-async`). Default 512 MiB. */
  maxQueuedUploadBytes?: number;
  /** What reading uploaded documents may cost (`knowledge.limits`; its `fileBytes` when `maxUploadBytes` is not given). */
  knowledgeLimits?: IngestLimitsInput;
  /** `info.version` of the OpenAPI document. */
  version?: string;
  /** Rate limit, token budgets, generation queues, timeouts (see `LimitsOptions` for the defaults). */
  limits?: LimitsOptions;
  /** How long `close()` waits for requests that are not streams to finish, in ms. Default 10 000. */
  drainMs?: number;
  /** Origins whose pages may call the server from a browser (`https://shop.example`, or `*`). Default none. */
  corsOrigins?: readonly string[];
  /** Proxies whose `X-Forwarded-For` gives the client's address (Fastify's `trustProxy`). Default none. */
  trustProxy?: boolean | string[];
  /** How long visitor tokens (what a widget's chat key gives each visitor) last and resume. */
  visitorSessions?: VisitorSessionOptions;
  /** Channels (WhatsApp, Telegram): the secrets key (default `ALAMBIQUE_SECRET_KEY`), queue polling, send retries. Served with `agents`. */
  channels?: Omit<ChannelHubOptions, "store" | "agents" | "customerAnswer" | "health"> & {
    /** When `/readyz` calls a channel's provider out (see `ChannelHealth`). */
    outage?: ChannelHealthOptions;
  };
  /**
   * What replicas on one PostgreSQL database share (see openReplicaSync): the
   * rate limits' buckets, the daily token budgets' counts and holds, the
   * feedback caps' counts (default: this process's memory) and the feed that
   * wakes live inboxes (default: they poll). The caller closes them.
   */
  replicas?: {
    rateLimits?: RateLimitStore;
    budgets?: TokenBudgetStore;
    feedbackCaps?: FeedbackCapStore;
    changes?: ChangeFeed;
  };
}

/**
 * `auth` (default `required`): every route but `public` ones needs an API key
 * (see `RequestAuth`). `disabled` is for in-process tests of `/v1` alone: no
 * key is read, `request.auth` stays null, and `/api` (which needs a tenant)
 * is not served.
 */
export type CreateServerOptions = ServerOptions &
  ({ store: Store; auth?: "required" } | { store?: Store; auth: "disabled" });

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The HTTP server: the OpenAI-compatible API under `/v1`. It does not listen:
 * the caller does (`app.listen`), and tests use `app.inject()`.
 *
 * Every request has an id, taken from a well-formed `x-request-id` header or
 * made up, echoed in the `x-request-id` response header and present in every
 * log line of the request. Every error, whatever route or layer raised it,
 * leaves through one handler as an OpenAI-shaped JSON error. Closing the
 * server drains it: streams end cleanly, other requests get `drainMs` to
 * finish, then what is left is aborted (see `opsPlugin`). `/healthz`,
 * `/readyz` and `/metrics` sit beside `/v1`; limits apply as `limits` says.
 *
 * Every request to a known route is authenticated before its body is read
 * (`installAuth`); `/v1` admits any key of a tenant, `/api` mostly admin keys.
 * The REST `/api` registers beside `/v1` as a plugin.
 */
export function createServer(options: CreateServerOptions): FastifyInstance {
  const logger: FastifyBaseLogger | undefined = options.logger;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    genReqId: (req) => {
      const header = req.headers["x-request-id"];
      return typeof header === "string" && requestIdPattern.test(header) ? header : randomUUID();
    },
    // Whatever the graceful drain (opsPlugin's `preClose`) left open is cut; a request that arrives
    // meanwhile is answered by opsPlugin, in the OpenAI shape, rather than by Fastify.
    forceCloseConnections: true,
    return503OnClosing: false,
    // ajv and fast-json-stringify only if a route declares a JSON schema (ours validate with zod): faster start.
    schemaController: { compilersFactory: lazySchemaCompilers },
    ...serverTimeouts(options.limits),
    // Errors the router raises before any route or hook (a bad URL, a too-long path parameter).
    frameworkErrors: (error, request, reply) => {
      const mapped = toOpenAIError(error, request.id);
      (reply as FastifyReply).header("x-request-id", request.id).status(mapped.status).send(mapped.body);
    },
  });

  const inflight = new InflightRequests();
  const authMode: AuthMode = options.auth ?? "required";
  // Before any other hook: every answer, a refusal by the hooks below included, names its request.
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  installCors(app, options.corsOrigins ?? []); // first: errors of the hooks after it carry CORS headers too
  installJsonBodyParser(app); // a `__proto__` key is refused by name, not as "not valid JSON"
  const visitors = options.store ? new VisitorSessions(options.store, options.visitorSessions) : undefined;
  installAuth(app, { store: options.store, mode: authMode, ...(visitors ? { visitors } : {}) });

  const limits = createLimits(options.limits, {
    ...(options.store ? { store: options.store } : {}),
    ...(options.replicas?.rateLimits ? { rateLimits: options.replicas.rateLimits } : {}),
    ...(options.replicas?.budgets ? { budgets: options.replicas.budgets } : {}),
    ...(options.replicas?.feedbackCaps ? { feedbackCaps: options.replicas.feedbackCaps } : {}),
    onFlushError: (error) => app.log.error({ err: error }, "could not record token usage; will retry"),
  });
  // After the routes have drained (hooks run in registration order): the day's last tokens reach the store.
  app.addHook("onClose", () => limits.budget.close());
  const streams = new OpenStreams();
  const metrics = new ServerMetrics({ queues: limits.queues, streams });
  // Channels' providers in `/readyz` and `/metrics`; their sender (below) reports each send to it.
  const channelHealth =
    options.auth !== "disabled" && options.agents
      ? new ChannelHealth(options.store, options.channels?.outage)
      : undefined;
  app.register(opsPlugin, {
    metrics,
    streams,
    inflight,
    queues: limits.queues,
    models: options.models,
    ...(options.store ? { store: options.store } : {}),
    ...(options.agents ? { mcpProblems: () => options.agents!.mcpHealth.problems() } : {}),
    ...(options.agents ? { studentProblems: () => options.agents!.studentProblems() } : {}),
    ...(channelHealth ? { channels: channelHealth } : {}),
    drainMs: options.drainMs ?? 10_000,
  });
  app.register(rateLimitPlugin, { limits });
  registerWidgetRoute(app);
  app.register(consolePlugin); // the owner's console: web/console/dist at /console

  app.setErrorHandler((error, request, reply) => {
    const mapped = toOpenAIError(error, request.id);
    if (mapped.internal) request.log.error({ err: error }, "request failed");
    else request.log.info({ status: mapped.status, code: mapped.body.error.code }, mapped.body.error.message);
    setRetryAfter(reply, error); // 409 conversation_busy, 503 busy database: when to try again
    return reply.status(mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        message: `Unknown request URL: ${request.method} ${request.url.split("?")[0]}`,
        type: "invalid_request_error",
        code: "unknown_url",
        param: null,
      },
    }),
  );

  app.register(
    async (v1) => {
      v1.addHook("onRoute", defaultAccess("admin"));
      await v1.register(openaiRoutes, {
        models: options.models,
        allowModelPaths: options.allowModelPaths ?? false,
        heartbeatMs: options.heartbeatMs ?? 15_000,
        inflight,
        limits,
        metrics,
        streams,
        ...(options.agents ? { agents: options.agents } : {}),
        ...(options.store ? { store: options.store } : {}),
      });
    },
    { prefix: "/v1" },
  );
  if (options.auth !== "disabled") {
    // Channels need agents to answer: their webhooks, queues' worker and the desk's relay come with them.
    const hub = options.agents
      ? new ChannelHub({
          ...options.channels,
          ...(channelHealth ? { health: channelHealth } : {}),
          store: options.store,
          agents: options.agents,
          customerAnswer: channelCustomerAnswer,
          admit: admitChannelTurn(limits),
          onError: (error, where) => app.log.error({ err: error, where }, "channel work failed; will retry"),
        })
      : undefined;
    if (hub) {
      app.register(channelWebhookRoutes, { hub });
      app.addHook("onReady", async () => {
        hub.worker.start();
        hub.watchers.start();
      });
      app.addHook("onClose", async () => {
        await hub.watchers.stop();
        await hub.worker.stop();
      });
    }
    app.register(apiPlugin, {
      store: options.store,
      models: options.models,
      desk: new ConversationDesk(options.store, hub?.relay),
      ...(hub ? { channels: hub } : {}),
      visitors: visitors!,
      ...(options.agents ? { agents: options.agents } : {}),
      budget: limits.budget,
      feedbackCap: limits.feedbackCap,
      streams,
      ...(options.replicas?.changes ? { changes: options.replicas.changes } : {}),
      uploadDir: options.uploadDir ?? join(tmpdir(), "alambique-uploads"),
      ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
      maxUploadBytes: options.maxUploadBytes ?? options.knowledgeLimits?.fileBytes ?? defaultMaxFileBytes,
      ...(options.knowledgeLimits ? { ingestLimits: options.knowledgeLimits } : {}),
      maxUploadFiles: options.maxUploadFiles ?? 20,
      ...(options.maxQueuedUploadBytes ? { maxQueuedUploadBytes: options.maxQueuedUploadBytes } : {}),
      version: options.version ?? "dev",
    });
  }
  return app;
}
