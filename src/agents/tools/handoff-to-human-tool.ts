/**
 * `handoff_to_human`: puts the conversation in `waiting_human`, where the
 * runtime stops answering with the model and a person takes over. Returns a
 * note the model relays: the agent's configured handoff message when there is
 * one, and when the team is closed (business hours), when it opens again.
 * Handing off a conversation that is already waiting or with a person changes
 * nothing and returns the same note.
 */
import { z } from "zod";
import type { AgentSpec } from "../../spec/agent.js";
import type { AgentTool } from "./agent-tool.js";
import { businessHoursAt } from "./business-hours.js";
import { defineBuiltinTool } from "./define-builtin-tool.js";
import type { ToolContext } from "./tool-context.js";
import { toolError } from "./tool-result.js";

const schema = z.object({
  reason: z.string().trim().min(1).max(500).describe("Why a person should take over, in one sentence"),
});

export function handoffToHumanTool(context: ToolContext): AgentTool {
  return defineBuiltinTool({
    name: "handoff_to_human",
    description:
      "Hand the conversation over to a person from the team: when the customer asks for one, when you cannot " +
      "help, or for complaints and refunds. Then tell the customer what the result's note says.",
    schema,
    sideEffects: true,
    async run({ reason }) {
      if (context.conversationId === null) {
        return toolError(
          "not_configured",
          "this conversation is not stored, so it cannot be handed to a person",
          {
            hint: "Tell the customer how to reach the team directly instead.",
          },
        );
      }
      const conversation = await context.store.conversations.get(context.tenantId, context.conversationId);
      if (conversation === undefined) {
        return toolError("not_configured", `conversation ${context.conversationId} does not exist`, {
          hint: "The runtime must create the conversation before the turn runs.",
        });
      }
      // Only from the agent's hands: a conversation closed by staff meanwhile stays closed.
      if (conversation.status === "bot") {
        await context.store.conversations.setStatus(
          context.tenantId,
          context.conversationId,
          "waiting_human",
        );
      }
      return { status: "waiting_human", reason, note: handoffNote(context.agent, context.now()) };
    },
    simulate: ({ reason }) => ({
      status: "waiting_human",
      reason,
      simulated: true,
      note: handoffNote(context.agent, context.now()),
    }),
  });
}

function handoffNote(agent: AgentSpec, now: Date): string {
  const message = agent.handoff.message;
  let note = "A person from the team will take over this conversation. ";
  if (typeof message === "string") note += `Tell the customer: "${message}"`;
  else if (message !== undefined) {
    const versions = Object.entries(message).map(([language, text]) => `(${language}) "${text}"`);
    note += `Tell the customer, in their language: ${versions.join(" / ")}`;
  } else note += "Tell the customer that a person will answer here as soon as possible.";
  if (agent.businessHours !== undefined) {
    const hours = businessHoursAt(agent.businessHours, now);
    if (!hours.openNow) note += ` The team is closed right now; say so. ${hours.summary}`;
  }
  return note;
}
