import { type Command, Option } from "commander";
import type { CliContext } from "../cli-context.js";
import { positiveInt } from "../parse-option.js";
import { tenantOf, tenantOption } from "../tenant-of.js";

const statuses = ["bot", "waiting_human", "human", "closed"];

interface TenantOption {
  tenant: string;
}

/**
 * `alambique conversations`: the human desk from the command line, the same
 * operations as `/api/conversations` and on the same `ConversationDesk`.
 */
export function registerConversations(program: Command, context: CliContext): void {
  const conversations = program
    .command("conversations")
    .description("conversations and the human desk: list, show, reply, hand-back, close");

  conversations
    .command("list")
    .description("the latest conversations, newest last (those waiting for a person: --status waiting_human)")
    .option("--agent <name>", "only this agent's")
    .addOption(new Option("--status <status>", "only those in this state").choices(statuses))
    .option("--limit <n>", "how many, the newest", positiveInt, 20)
    .option(...tenantOption)
    .option("--json", "print JSON")
    .action(
      async (options: TenantOption & { agent?: string; status?: string; limit: number; json?: boolean }) => {
        const { listConversations } = await import("../conversations/list-conversations.js");
        const { store, tenant } = await tenantOf(context, options.tenant);
        const { rows, agentNames } = await listConversations(store, tenant.id, options);
        if (options.json) return context.io.out(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return context.io.out("No conversations.");
        const { formatTable } = await import("../format-table.js");
        context.io.out(
          formatTable([
            ["ID", "AGENT", "CUSTOMER", "STATUS", "LAST ACTIVITY"],
            ...rows.map((c) => [
              c.id,
              agentNames.get(c.agentId) ?? c.agentId,
              c.externalUserId,
              c.status,
              c.updatedAt,
            ]),
          ]),
        );
      },
    );

  conversations
    .command("show <id>")
    .description("a conversation with its messages, tool calls and results included")
    .option(...tenantOption)
    .option("--json", "print JSON")
    .action(async (id: string, options: TenantOption & { json?: boolean }) => {
      const { findConversation } = await import("../conversations/find-conversation.js");
      const { store, tenant } = await tenantOf(context, options.tenant);
      const conversation = await findConversation(store, tenant.id, id);
      const messages = await store.messages.list(conversation.id);
      if (options.json) return context.io.out(JSON.stringify({ ...conversation, messages }, null, 2));
      const agent = await store.agents.get(tenant.id, conversation.agentId);
      const { printConversation } = await import("../conversations/print-conversation.js");
      printConversation(context.io, conversation, agent?.name ?? conversation.agentId, messages);
    });

  conversations
    .command("reply <id> <text>")
    .description("answer as a person: the agent stays silent in it until it is handed back")
    .option("--staff <name>", "who answers, as the customer may see it", process.env.USER ?? "staff")
    .option(...tenantOption)
    .action(async (id: string, text: string, options: TenantOption & { staff: string }) => {
      const { desk, conversation, tenant } = await deskFor(context, options.tenant, id);
      const message = await desk.reply(tenant.id, conversation.id, text, options.staff.trim() || "staff");
      context.io.out(`replied to ${conversation.id} as ${options.staff} (message ${message.seq})`);
      context.io.err(`The agent stays silent until: alambique conversations hand-back ${conversation.id}`);
    });

  conversations
    .command("hand-back <id>")
    .description("give the conversation back to the agent: it answers the customer's next message")
    .option(...tenantOption)
    .action(async (id: string, options: TenantOption) => {
      const { desk, conversation, tenant } = await deskFor(context, options.tenant, id);
      const updated = await desk.handBack(tenant.id, conversation.id);
      context.io.out(`${updated.id}: the agent answers again (status ${updated.status})`);
    });

  conversations
    .command("close <id>")
    .description("close the conversation: the customer's next message starts a new one")
    .option(...tenantOption)
    .action(async (id: string, options: TenantOption) => {
      const { desk, conversation, tenant } = await deskFor(context, options.tenant, id);
      const updated = await desk.close(tenant.id, conversation.id);
      context.io.out(`${updated.id}: closed`);
    });
}

async function deskFor(context: CliContext, slug: string, id: string) {
  const { ConversationDesk } = await import("../../agents/conversation-desk.js");
  const { findConversation } = await import("../conversations/find-conversation.js");
  const { store, tenant } = await tenantOf(context, slug);
  const conversation = await findConversation(store, tenant.id, id);
  return { desk: new ConversationDesk(store), conversation, tenant };
}
