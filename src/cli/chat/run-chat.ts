import { createInterface } from "node:readline/promises";
import { AgentRuntime, pick } from "../../agents/index.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";

/**
 * A terminal conversation with an agent: each line is a customer message, the
 * reply streams as it is generated, and sources and handoffs are shown. Reads
 * from stdin, so it also works piped (`echo "hola" | alambique chat demo`).
 */
export async function runChat(context: CliContext, agentName: string, externalUserId: string): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const models = new ModelRegistry({
    store,
    declared: context.config.models,
    env: context.env,
    llamacpp: { logger: context.logger },
  });
  const runtime = new AgentRuntime({ store, models });
  context.onClose(async () => {
    await runtime.dispose();
    await models.dispose();
  });
  const agent = await runtime.agent(tenant.id, agentName);
  const mode = agent.spec.model ? `model ${agent.spec.model}` : "retrieval mode (answers from documents)";
  context.io.err(`${agent.spec.displayName ?? agent.name} — ${mode}. /quit to leave.`);
  if (agent.spec.greeting) context.io.out(pick(agent.spec.greeting, agent.spec.languages[0] ?? "en", ""));

  const lines = createInterface({ input: process.stdin, terminal: false });
  const interactive = process.stdin.isTTY === true;
  if (interactive) process.stderr.write("> ");
  for await (const line of lines) {
    const message = line.trim();
    if (message === "/quit" || message === "/exit") break;
    if (message) {
      const turn = await runtime.turn({
        tenantId: tenant.id,
        agent: agent.id,
        externalUserId,
        message,
        onDelta: (text) => context.io.write(text),
      });
      if (turn.text) context.io.write("\n");
      if (turn.mode === "human") context.io.err("(a person from the team is handling this conversation)");
      if (turn.status === "waiting_human" && turn.mode === "handoff")
        context.io.err("(handed off: waiting for a person)");
      for (const c of turn.citations) context.io.err(`  [${c.id}] ${c.uri} ${c.location}`);
    }
    if (interactive) process.stderr.write("> ");
  }
}
