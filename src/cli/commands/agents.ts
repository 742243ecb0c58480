import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";

export function registerAgents(program: Command, context: CliContext): void {
  const agents = program
    .command("agents")
    .description("agents: persona, knowledge, tools, guardrails, handoff");

  agents
    .command("create")
    .description(
      "create an agent from a YAML or JSON file, or update the one with the same name; its models must be in the catalog and its knowledge paths must exist",
    )
    .requiredOption("--file <file>", "the agent spec (see data/demo/agent.yaml)")
    .option("--no-knowledge", "do not ingest (nor check) the knowledge files the spec lists")
    .action(async (options: { file: string; knowledge: boolean }) => {
      const { registerAgentFile } = await import("../agents/register-agent-file.js");
      await registerAgentFile(context, options.file, { ingest: options.knowledge });
    });

  agents
    .command("list")
    .description("the agents")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const store = await context.store();
      const list = await store.agents.list((await defaultTenant(store)).id);
      if (options.json) return context.io.out(JSON.stringify(list, null, 2));
      if (list.length === 0)
        return context.io.out("No agents yet: `alambique agents create --file agent.yaml`.");
      const rows = list.map((a) => {
        const spec = a.spec as { model?: string; languages?: string[] };
        return [a.name, spec.model ?? "(retrieval mode)", (spec.languages ?? []).join(","), a.updatedAt];
      });
      context.io.out(formatTable([["NAME", "MODEL", "LANGUAGES", "UPDATED"], ...rows]));
    });

  agents
    .command("show <name>")
    .description("an agent's spec")
    .action(async (name: string) => {
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const { findAgentForCli } = await import("../find-agent-for-cli.js");
      const store = await context.store();
      const agent = await findAgentForCli(store, (await defaultTenant(store)).id, name);
      context.io.out(JSON.stringify(agent, null, 2));
    });

  agents
    .command("remove <name>")
    .description("remove an agent with its knowledge and conversations")
    .action(async (name: string) => {
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const { findAgentForCli } = await import("../find-agent-for-cli.js");
      const store = await context.store();
      const tenant = await defaultTenant(store);
      const agent = await findAgentForCli(store, tenant.id, name);
      await store.agents.remove(tenant.id, agent.id);
      context.io.out(`removed ${name}`);
    });
}
