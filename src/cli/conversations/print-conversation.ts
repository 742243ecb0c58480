import type { Conversation, Message } from "../../spec/store.js";
import type { Output } from "../cli-context.js";

/**
 * A conversation as a person at the desk reads it: who, with which agent, in
 * which state, then every message in order, tool calls and results included
 * (shortened), a person's replies with their name.
 */
export function printConversation(
  io: Output,
  conversation: Conversation,
  agentName: string,
  messages: Message[],
): void {
  io.out(`conversation ${conversation.id}`);
  io.out(`  agent ${agentName}, customer ${conversation.externalUserId}, status ${conversation.status}`);
  io.out(`  started ${conversation.createdAt}, last activity ${conversation.updatedAt}`);
  for (const message of messages) {
    const staff = typeof message.metadata.staff === "string" ? ` (${message.metadata.staff})` : "";
    const text = message.role === "tool" ? shorten(message.content, 200) : message.content;
    io.out(`\n[${message.seq}] ${message.role}${staff}, ${message.createdAt}`);
    io.out(`  ${text.replace(/\n/g, "\n  ")}`);
  }
  io.out("");
  io.out(nextSteps(conversation));
}

/** What may be done with the conversation next, as commands. */
export function nextSteps(conversation: Conversation): string {
  const id = conversation.id;
  if (conversation.status === "closed") return "This conversation is closed.";
  const reply = `alambique conversations reply ${id} "TEXT"`;
  if (conversation.status === "bot") return `Answer as a person: ${reply}`;
  return `Answer: ${reply}; give it back to the agent: alambique conversations hand-back ${id}`;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
