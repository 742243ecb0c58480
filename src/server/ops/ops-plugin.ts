import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ChannelHealth } from "../../channels/channel-health.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { ModelResolver } from "../../spec/models.js";
import type { Store } from "../../spec/store.js";
import type { InflightRequests } from "../inflight-requests.js";
import type { GenerationQueues } from "../limits/generation-queues.js";
import { renderChannelMetrics } from "./channel-metrics.js";
import { checkReadiness } from "./check-readiness.js";
import type { OpenStreams } from "./open-streams.js";
import { createEngineProbe, type EngineProbeOptions } from "./probe-engine.js";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus-text.js";
import type { ServerMetrics } from "./server-metrics.js";

export interface OpsPluginOptions {
  metrics: ServerMetrics;
  streams: OpenStreams;
  inflight: InflightRequests;
  models: ModelResolver;
  /** Probed by `/readyz`; without one, only the models are. */
  store?: Store;
  /** How long a shutdown waits for requests that are not streams to finish, in ms. */
  drainMs: number;
  /** The generation queues, whose waiting requests a shutdown refuses. */
  queues?: GenerationQueues;
  /** How `/readyz` asks remote engines (timeout, how long an answer is kept); defaults fit a probe every few seconds. */
  engineProbe?: Pick<EngineProbeOptions, "timeoutMs" | "ttlMs">;
  /** The agents' MCP problems for `/readyz` (informative: they do not make it 503). */
  mcpProblems?: () => string[];
  /** Routed agents whose student does not load, for `/readyz` (degraded: their teacher answers). */
  studentProblems?: () => string[];
  /** The channels' providers, for `/readyz` (degraded while one is not taking messages) and `/metrics`. */
  channels?: ChannelHealth;
}

/** How long aborted requests get to send their error before the sockets close, in ms. */
const ABORT_GRACE_MS = 1_000;

/**
 * Operations, on every route (a plugin that does not encapsulate):
 *
 * - `GET /healthz`: the process is up and its event loop turns; always 200.
 * - `GET /readyz`: the store answers, the local models can be opened and the
 *   remote models' engines answer; 200 or 503, with what was checked (a
 *   remote engine by its model's name: its address goes to the log only).
 *   `status: "degraded"` (still 200) while a routed agent's student is
 *   missing and its teacher answers for it (`routing.degraded`), or while a
 *   channel's provider is not taking messages (`channels.degraded`).
 *   During a shutdown every request is 503.
 * - `GET /metrics`: Prometheus text (see `ServerMetrics`), counted here from
 *   every request's end, streams included; a request whose client left before
 *   the end is counted with status 499.
 * - Graceful shutdown, as `app.close()`'s first step: stop accepting
 *   connections (idle keep-alive ones close; a request that still arrives on
 *   a busy one gets a 503 `shutting_down` and `Connection: close`; the server
 *   must be created with `return503OnClosing: false`, or Fastify answers it
 *   first in its own shape), end every SSE stream with a last chunk and
 *   `[DONE]`, wait up to `drainMs` for the other requests to finish, then
 *   abort what is left (those get a 503 `cancelled`). The caller closes the
 *   store after `close()` resolves, so every answer sent was persisted first.
 *
 * None of these routes needs an API key or is rate limited: probes and
 * scrapers have none. Keep the port off the public internet, or put
 * `/metrics` behind the proxy's own access rule.
 */
export async function opsPlugin(app: FastifyInstance, options: OpsPluginOptions): Promise<void> {
  const { metrics, streams } = options;
  const ops = { config: { access: "public", rateLimit: false } } as const;

  // One listener per request, on the response's `close`: it fires once whether the response was
  // sent (counted with its status) or the client left first (counted as 499), streams included.
  // A callback hook, not an async one: this runs on every request.
  let closing = false;
  app.addHook("onRequest", (request, reply, done) => {
    if (closing) {
      reply.header("connection", "close");
      return done(shuttingDown());
    }
    metrics.requestStarted();
    // `close` is emitted once; `on` spares the wrapper `once` would allocate per request.
    reply.raw.on("close", () => {
      metrics.requestEnded();
      const status = reply.raw.writableEnded ? reply.raw.statusCode : 499;
      metrics.observeRequest(request.method, routeOf(request), status, reply.elapsedTime / 1000);
    });
    done();
  });

  const probeEngine = createEngineProbe({
    ...options.engineProbe,
    onDown: ({ baseUrl, problem, cause }) =>
      app.log.warn({ engine: baseUrl, err: cause }, `model engine not ready: ${problem}`),
  });

  app.get("/healthz", ops, async () => ({ status: "ok" }));
  app.get("/readyz", ops, async (_request, reply) => {
    const readiness = await checkReadiness({
      models: options.models,
      probeEngine,
      ...(options.store ? { store: options.store } : {}),
      ...(options.mcpProblems ? { mcpProblems: options.mcpProblems } : {}),
      ...(options.studentProblems ? { studentProblems: options.studentProblems } : {}),
      ...(options.channels ? { channelProblems: () => options.channels!.problems() } : {}),
    });
    reply.code(readiness.ready ? 200 : 503);
    // Degraded: serving, but some agent answers by its fallback (its student is missing),
    // or a channel's provider is not taking messages (they wait in the queue).
    const degradedLines =
      (readiness.checks.routing?.degraded.length ?? 0) + (readiness.checks.channels?.degraded.length ?? 0);
    const degraded = readiness.ready && degradedLines > 0;
    return { status: readiness.ready ? (degraded ? "degraded" : "ready") : "not_ready", ...readiness.checks };
  });
  app.get("/metrics", ops, async (_request, reply) => {
    reply.type(PROMETHEUS_CONTENT_TYPE);
    const channels = options.channels ? await renderChannelMetrics(options.channels) : "";
    return metrics.render() + channels;
  });

  app.addHook("preClose", async () => {
    closing = true;
    const server = app.server;
    if (server.listening) {
      server.close();
      server.closeIdleConnections();
    }
    const open = streams.size;
    streams.interruptAll();
    // Requests still waiting for a model's slot would start generations now: they get a 503 instead.
    options.queues?.rejectWaiting(shuttingDown());
    if (metrics.active > 0)
      app.log.info({ requests: metrics.active, streams: open }, "shutting down: draining");
    await until(() => metrics.active === 0, options.drainMs);
    if (metrics.active > 0) {
      app.log.warn(
        { requests: metrics.active },
        `requests still running after ${options.drainMs} ms: aborting`,
      );
      options.inflight.abortAll();
      await until(() => metrics.active === 0, ABORT_GRACE_MS);
    }
  });
  app.addHook("onClose", async () => metrics.close());
}
(opsPlugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;

/** What a request that arrives during a shutdown (on a connection already open) is answered. */
function shuttingDown(): AlambiqueError {
  return new AlambiqueError("The server is shutting down; retry the request", {
    code: "shutting_down",
    status: 503,
    retryable: true,
  });
}

/** The route's pattern, so that label values stay few; `unmatched` for a 404 without a route. */
function routeOf(request: FastifyRequest): string {
  return request.is404 ? "unmatched" : (request.routeOptions.url ?? "unmatched");
}

function until(done: () => boolean, ms: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const deadline = performance.now() + ms;
    const timer = setInterval(() => {
      if (done() || performance.now() >= deadline) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}
