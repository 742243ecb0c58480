import { createInterface } from "node:readline/promises";
import { AgentRuntime, ConversationDesk, pick } from "../../agents/index.js";
import { ModelRegistry } from "../../models/model-registry.js";
import type { Conversation } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { findAgentForCli } from "../find-agent-for-cli.js";

/**
 * A terminal conversation with an agent: each line is a customer message, the
 * reply streams as it is generated, and sources and handoffs are shown. Reads
 * from stdin, so it also works piped (`echo "hola" | alambique chat demo`).
 *
 * A conversation a person has taken stays theirs across runs (the agent is
 * silent in it): the chat says so, and how to get the agent back. `fresh`
 * closes the customer's open conversation first, so that a new one starts.
 */
export async function runChat(
  context: CliContext,
  agentName: string,
  externalUserId: string,
  options: { fresh?: boolean } = {},
): Promise<void> {
  const store = await context.store();
  const tenant = await defaultTenant(store);
  const record = await findAgentForCli(store, tenant.id, agentName);
  const desk = new ConversationDesk(store);
  const open = await store.conversations.findOpen(tenant.id, record.id, externalUserId);
  if (open && options.fresh) {
    await desk.close(tenant.id, open.id);
    context.io.err(`(closed the previous conversation ${open.id}; this is a new one)`);
  }
  const models = new ModelRegistry({
    store,
    declared: context.config.models,
    env: context.env,
    llamacpp: { logger: context.logger },
  });
  const runtime = new AgentRuntime({
    store,
    models,
    // The operator's own terminal: the whole explanation (command, URL, stderr) is theirs to see.
    onMcpStatus: (_agent, status) =>
      context.io.err(
        status.problem
          ? `notice: ${status.message ?? `the MCP server ${status.server} failed`}`
          : `notice: the MCP server ${status.server} lists its tools again`,
      ),
  });
  context.onClose(async () => {
    await runtime.dispose();
    await models.dispose();
  });
  const agent = await runtime.agent(tenant.id, record.id);
  const mode = agent.spec.model ? `model ${agent.spec.model}` : "retrieval mode (answers from documents)";
  context.io.err(`${agent.spec.displayName ?? agent.name} — ${mode}. /quit to leave.`);
  // The whole way out once; after that, a short reminder.
  let toldHowOut = false;
  if (open && !options.fresh && open.status !== "bot") {
    context.io.err(withPerson(open, agent.name));
    toldHowOut = true;
  } else if (agent.spec.greeting) {
    context.io.out(pick(agent.spec.greeting, agent.spec.languages[0] ?? "en", ""));
  }

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
      for (const c of turn.citations) context.io.err(`  [${c.id}] ${c.uri} ${c.location}`);
      if (turn.status === "human" || turn.status === "waiting_human") {
        const conversation = { id: turn.conversationId, status: turn.status };
        context.io.err(toldHowOut ? statusLine(conversation) : withPerson(conversation, agent.name));
        toldHowOut = true;
      }
    }
    if (interactive) process.stderr.write("> ");
  }
}

type ConversationState = Pick<Conversation, "id" | "status">;

function statusLine(conversation: ConversationState): string {
  return conversation.status === "human"
    ? "(a person from the team is handling this conversation)"
    : "(handed off: waiting for a person)";
}

/** Where the conversation stands, and the two ways back to the agent. */
function withPerson(conversation: ConversationState, agentName: string): string {
  return [
    statusLine(conversation),
    "  The agent stays silent in it until the team hands it back. To talk to the agent again:",
    `    alambique conversations hand-back ${conversation.id}   (as the team would)`,
    `    alambique chat ${agentName} --new   (closes it and starts a new conversation)`,
    `  Answer as the team: alambique conversations reply ${conversation.id} "TEXT"`,
  ].join("\n");
}
