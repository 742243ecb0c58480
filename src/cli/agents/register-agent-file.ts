import { dirname } from "node:path";
import { type LoadedAgent, type LoadedAgentFile, loadAgentFile, saveAgent } from "../../agents/index.js";
import { ModelRegistry } from "../../models/model-registry.js";
import type { AgentSpec } from "../../spec/agent.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";

export interface RegisterOptions {
  /** Ingest the knowledge files the spec lists (unchanged files are skipped by content hash). */
  ingest: boolean;
  quiet?: boolean;
  /** Rewrites webhook URLs before storing (the demo points its webhook at the port it got). */
  rewriteUrl?: (url: string) => string;
}

/** `alambique agents create --file F`: see `registerAgentSpec`. */
export async function registerAgentFile(context: CliContext, file: string, options: RegisterOptions) {
  return registerAgentSpec(context, loadAgentFile(file), options);
}

/**
 * Creates the agent a loaded spec file describes, or updates the stored one
 * with the same name (`saveAgent`: it refuses, listing them all, models not
 * in the catalog and knowledge paths that do not exist), then ingests its
 * knowledge. Prints what it did.
 */
export async function registerAgentSpec(
  context: CliContext,
  loaded: LoadedAgentFile,
  options: RegisterOptions,
): Promise<LoadedAgent> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const rewrite = options.rewriteUrl;
  const spec: AgentSpec = rewrite
    ? {
        ...loaded.spec,
        tools: loaded.spec.tools.map((t) => (t.type === "webhook" ? { ...t, url: rewrite(t.url) } : t)),
      }
    : loaded.spec;
  const models = new ModelRegistry({ store, declared: context.config.models, env: context.env });
  const { agent, created } = await saveAgent(store, tenant.id, spec, {
    models,
    local: true,
    // Not ingested, so not needed: `--no-knowledge` saves an agent whose documents come later.
    ...(options.ingest ? { knowledgePaths: loaded.knowledgePaths } : {}),
  });
  if (!options.quiet) context.io.out(`${created ? "created" : "updated"} agent ${agent.name}`);
  if (options.ingest && loaded.knowledgePaths.length > 0) {
    const { ingestForCli } = await import("../knowledge/ingest-for-cli.js");
    await ingestForCli(context, agent, loaded.knowledgePaths, {
      quiet: options.quiet ?? false,
      baseDir: dirname(loaded.file),
    });
  }
  return { ...agent, spec };
}
