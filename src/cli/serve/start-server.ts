import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { AgentRuntime } from "../../agents/index.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { ensureAdminKey } from "../../server/auth/bootstrap-admin-key.js";
import { createServer } from "../../server/create-server.js";
import { openTurnLock } from "../../store/open-turn-lock.js";
import { openReplicaSync } from "../../store/postgres/open-replica-sync.js";
import type { CliContext } from "../cli-context.js";
import { packageVersion } from "../package-version.js";
import { onStopSignal } from "../stop-signals.js";
import { listenOrExplain } from "./listen-or-explain.js";

export interface StartedServer {
  app: FastifyInstance;
  registry: ModelRegistry;
  /** `http://host:port` as it is listening. */
  url: string;
}

/**
 * Opens the store, the model registry and the HTTP server, and listens.
 * Everything it opens is closed by the context when the command ends.
 *
 * Serves the agents of the store as `agent:<name>` models, with the limits
 * of `server.limits`. Closing (on SIGTERM, see `untilSignal`) drains the
 * server first (see opsPlugin), then closes agents, models and the store.
 *
 * Once listening, when the default tenant has no active admin key (a fresh
 * install), makes one and prints its secret, once: only its hash is stored;
 * otherwise says how to make another. A port that is taken throws
 * `port_in_use` (see `listenOrExplain`) before any key is made.
 */
export async function startServer(
  context: CliContext,
  options: {
    port?: number;
    host?: string;
    extend?: (app: FastifyInstance) => void | Promise<void>;
    /** Run queued knowledge uploads in this process (default `server.ingestRunner`, else true). */
    ingestRunner?: boolean;
  } = {},
): Promise<StartedServer> {
  const store = await context.store();
  const registry = new ModelRegistry({
    store,
    declared: context.config.models,
    env: context.env,
    modelsDir: `${context.config.dataPath}/models`,
    llamacpp: { logger: context.logger },
  });
  context.onClose(() => registry.dispose());
  // Closed after the server (cleanups run last registered first), before the registry and the store.
  // One customer's turns one after the other across replicas too (PostgreSQL; none on SQLite).
  const turnLock = openTurnLock(context.config.storeUrl, context.env);
  if (turnLock) context.onClose(() => turnLock.close());
  const agents = new AgentRuntime({
    store,
    models: registry,
    log: context.logger,
    ...(turnLock ? { turnLock } : {}),
  });
  context.onClose(() => agents.dispose());
  // Rate limits, token budgets, feedback caps and inbox wake-ups shared with the other replicas (PostgreSQL; none on SQLite).
  const replicas = await openReplicaSync(
    context.config.storeUrl,
    context.env,
    (error) => context.logger.warn({ err: error }, "change feed connection lost; reconnecting"),
    (error) => context.logger.error({ err: error }, "could not record token usage; will retry"),
  );
  if (replicas) context.onClose(() => replicas.close());
  const { limits, drainMs, corsOrigins, visitorSessions, trustProxy } = context.config.server;
  const app = createServer({
    store,
    models: registry,
    agents,
    ...(limits ? { limits } : {}),
    ...(drainMs !== undefined ? { drainMs } : {}),
    ...(corsOrigins ? { corsOrigins } : {}),
    ...(visitorSessions ? { visitorSessions } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    ...(replicas ? { replicas } : {}),
    logger: context.logger,
    uploadDir: join(context.config.dataPath, "uploads"),
    modelsDir: join(context.config.dataPath, "models"),
    ...(context.config.knowledge?.limits ? { knowledgeLimits: context.config.knowledge.limits } : {}),
    version: packageVersion(),
  });
  await options.extend?.(app);
  context.onClose(() => app.close());
  const address = await listenOrExplain(
    app,
    options.port ?? context.config.server.port,
    options.host ?? context.config.server.host,
  );
  if (options.ingestRunner ?? context.config.server.ingestRunner ?? true) {
    const { startIngestRunner } = await import("../worker/start-ingest-runner.js");
    startIngestRunner(context, store, registry);
  }
  // After listening: a start that fails (the port is taken) must not spend the key's one showing.
  const bootstrap = await ensureAdminKey(store);
  if (bootstrap.secret) {
    context.io.err("Admin API key of the default tenant (save it now; it is shown once):");
    context.io.err(`  ${bootstrap.secret}`);
    context.io.err("Send it as `Authorization: Bearer <key>`; create more with POST /api/keys.");
  } else {
    context.io.err(
      "Admin API key: made and shown on the first run; only its hash is kept. Lost it? Make another: alambique keys create --name admin --scope admin",
    );
  }
  return { app, registry, url: address };
}

/**
 * Resolves on SIGINT or SIGTERM: the caller then returns and the context closes the server gracefully. The
 * listeners stay for the rest of the process (`onStopSignal`): a second signal during the drain exits at once.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    onStopSignal(resolve);
  });
}
