/**
 * What of a row deduplication compares. Near-duplicate rows: everything the
 * customer and the agent said, tool calls included (two rows that ask the same
 * and answer the same are one example twice, whatever the system prompt).
 * Decontamination: the customer's turns only, one by one (a test question
 * leaks whatever answer surrounds it).
 */
import type { TrainingMessage } from "../../spec/distill.js";

export function conversationText(messages: readonly TrainingMessage[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message.role === "user") parts.push(message.content);
    else if (message.role === "assistant") {
      if (message.content) parts.push(message.content);
      for (const call of message.tool_calls ?? [])
        parts.push(`${call.function.name} ${call.function.arguments}`);
    }
  }
  return parts.join("\n");
}

export function userTurns(messages: readonly TrainingMessage[]): string[] {
  return messages.flatMap((message) => (message.role === "user" ? [message.content] : []));
}
