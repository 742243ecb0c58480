import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ModelResolver } from "../spec/models.js";
import { InflightRequests } from "./inflight-requests.js";
import { openaiRoutes } from "./openai/openai-routes.js";
import { toOpenAIError } from "./openai-error.js";

export interface CreateServerOptions {
  models: ModelResolver;
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
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The HTTP server: the OpenAI-compatible API under `/v1`. It does not listen:
 * the caller does (`app.listen`), and tests use `app.inject()`.
 *
 * Every request has an id, taken from a well-formed `x-request-id` header or
 * made up, echoed in the `x-request-id` response header and present in every
 * log line of the request. Every error, whatever route or layer raised it,
 * leaves through one handler as an OpenAI-shaped JSON error. Closing the
 * server aborts generations still in flight instead of waiting for them.
 *
 * Later surfaces (REST `/api`, auth, quotas) register beside `/v1` as plugins.
 */
export function createServer(options: CreateServerOptions): FastifyInstance {
  const logger: FastifyBaseLogger | undefined = options.logger;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    genReqId: (req) => {
      const header = req.headers["x-request-id"];
      return typeof header === "string" && requestIdPattern.test(header) ? header : randomUUID();
    },
    // Streams can outlive a graceful close; `preClose` aborts them instead.
    forceCloseConnections: true,
  });

  const inflight = new InflightRequests();

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("preClose", async () => inflight.abortAll());

  app.setErrorHandler((error, request, reply) => {
    const mapped = toOpenAIError(error);
    if (mapped.internal) request.log.error({ err: error }, "request failed");
    else request.log.info({ status: mapped.status, code: mapped.body.error.code }, mapped.body.error.message);
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

  app.register(openaiRoutes, {
    prefix: "/v1",
    models: options.models,
    allowModelPaths: options.allowModelPaths ?? false,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    inflight,
  });
  return app;
}
