/**
 * `create_ticket`: records a request for the team (a callback, an order
 * problem, a question the documents do not answer) as an open ticket in the
 * store, with the conversation and the customer's contact, and returns its id
 * as the reference to give the customer.
 */
import { z } from "zod";
import type { JsonValue } from "../../spec/json.js";
import type { AgentTool } from "./agent-tool.js";
import { defineBuiltinTool } from "./define-builtin-tool.js";
import type { ToolContext } from "./tool-context.js";

const schema = z.object({
  subject: z.string().trim().min(1).max(200).describe("A short title for the team"),
  body: z.string().trim().min(1).max(4000).describe("What the customer needs, with the details they gave"),
  contact: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("How to reach the customer (e-mail or phone), only if they gave it"),
});

export function createTicketTool(context: ToolContext): AgentTool {
  return defineBuiltinTool({
    name: "create_ticket",
    description:
      "Create a ticket for the team when the customer needs something you cannot do in this chat (a callback, " +
      "a problem with an order). Ask for a contact first if they want an answer outside this chat.",
    schema,
    sideEffects: true,
    async run({ subject, body, contact }) {
      const metadata: Record<string, JsonValue> = {
        externalUserId: context.externalUserId,
        createdBy: "agent",
      };
      if (contact !== undefined) metadata.contact = contact;
      const ticket = await context.store.tickets.create({
        tenantId: context.tenantId,
        agentId: context.agentId,
        conversationId: context.conversationId,
        subject,
        body,
        metadata,
      });
      return {
        ticketId: ticket.id,
        status: ticket.status,
        note: `Ticket created. Give the customer its reference: ${ticket.id}`,
      };
    },
    simulate: () => ({
      ticketId: "simulated-ticket",
      status: "open",
      simulated: true,
      note: "Dry run: no ticket was stored. Give the customer the reference simulated-ticket.",
    }),
  });
}
