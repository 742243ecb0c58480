/**
 * What makes a list of messages unusable as a training example, beyond each
 * message's shape: no customer turn or no answer to learn from, a tool result
 * that answers no earlier call, call arguments that are not JSON. Every export
 * and import checks it, so a dataset never carries an example a trainer would
 * reject halfway through an epoch.
 */
import type { TrainingMessage } from "../../spec/distill.js";

/** Problems, each with the index of the message it is about; empty when the example is usable. */
export function conversationIssues(
  messages: readonly TrainingMessage[],
): { path: number[]; message: string }[] {
  const issues: { path: number[]; message: string }[] = [];
  if (!messages.some((m) => m.role === "user")) issues.push({ path: [], message: "no user message" });
  if (!messages.some((m) => m.role === "assistant"))
    issues.push({ path: [], message: "no assistant message to learn from" });
  const open = new Set<string>();
  messages.forEach((message, index) => {
    if (message.role === "assistant") {
      if (message.content === null && (message.tool_calls ?? []).length === 0)
        issues.push({ path: [index], message: "an assistant message with neither content nor tool calls" });
      for (const call of message.tool_calls ?? []) {
        open.add(call.id);
        try {
          JSON.parse(call.function.arguments);
        } catch {
          issues.push({ path: [index], message: `the arguments of tool call ${call.id} are not JSON` });
        }
      }
    } else if (message.role === "tool") {
      if (!open.delete(message.tool_call_id))
        issues.push({
          path: [index],
          message: `a tool result for ${message.tool_call_id}, which no earlier assistant message called (or was answered already)`,
        });
    }
  });
  return issues;
}
