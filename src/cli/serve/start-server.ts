import type { FastifyInstance } from "fastify";
import { ModelRegistry } from "../../models/model-registry.js";
import { createServer } from "../../server/create-server.js";
import type { CliContext } from "../cli-context.js";

export interface StartedServer {
  app: FastifyInstance;
  registry: ModelRegistry;
  /** `http://host:port` as it is listening. */
  url: string;
}

/**
 * Opens the store, the model registry and the HTTP server, and listens.
 * Everything it opens is closed by the context when the command ends.
 */
export async function startServer(
  context: CliContext,
  options: { port?: number; host?: string; extend?: (app: FastifyInstance) => void | Promise<void> } = {},
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
  const app = createServer({ models: registry, logger: context.logger });
  await options.extend?.(app);
  context.onClose(() => app.close());
  const address = await app.listen({
    port: options.port ?? context.config.server.port,
    host: options.host ?? context.config.server.host,
  });
  return { app, registry, url: address };
}

/** Resolves on SIGINT or SIGTERM: the caller then returns and the context closes the server gracefully. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals) => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve(signal);
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
