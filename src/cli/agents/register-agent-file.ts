import { dirname } from "node:path";
import { type LoadedAgent, type LoadedAgentFile, loadAgentFile } from "../../agents/index.js";
import type { AgentSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
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
 * with the same name, then ingests its knowledge. Prints what it did.
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
  const json = spec as unknown as Record<string, JsonValue>;
  const existing = await store.agents.getByName(tenant.id, spec.name);
  const agent = existing
    ? await store.agents.update(tenant.id, existing.id, json)
    : await store.agents.create({ tenantId: tenant.id, name: spec.name, spec: json });
  if (!options.quiet) context.io.out(`${existing ? "updated" : "created"} agent ${agent.name}`);
  if (options.ingest && loaded.knowledgePaths.length > 0) {
    const { ingestForCli } = await import("../knowledge/ingest-for-cli.js");
    await ingestForCli(context, agent, loaded.knowledgePaths, {
      quiet: options.quiet ?? false,
      baseDir: dirname(loaded.file),
    });
  }
  return { ...agent, spec };
}
