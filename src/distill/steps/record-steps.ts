/**
 * Tool rounds in the OpenAI chat shape: an assistant message with the calls,
 * then one `tool` message per call with what the model was shown (the same
 * `toModelOutput` the runtime uses: errors and objects as JSON, strings as
 * they are). A call the SDK could not run (arguments that failed validation)
 * still gets a result — its error — because a trainer rejects a call with no
 * answer.
 */
import type { ModelMessage } from "ai";
import { toModelOutput } from "../../agents/index.js";
import type { TrainingMessage } from "../../spec/distill.js";

interface Call {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** From `generateText` steps (their `content` parts), in step order. */
export function recordSteps(steps: ReadonlyArray<{ content: ReadonlyArray<unknown> }>): TrainingMessage[] {
  const out: TrainingMessage[] = [];
  for (const step of steps) {
    const calls: Call[] = [];
    const results = new Map<string, string>();
    for (const part of step.content as {
      type: string;
      toolCallId?: string;
      output?: unknown;
      error?: unknown;
    }[]) {
      if (part.type === "tool-call") calls.push(part as unknown as Call);
      else if (part.type === "tool-result")
        results.set(part.toolCallId!, modelText(toModelOutput({ output: part.output })));
      else if (part.type === "tool-error")
        results.set(part.toolCallId!, JSON.stringify({ error: String(part.error) }));
    }
    out.push(...round(calls, results, out.length));
  }
  return out;
}

/** From the messages `runConfirmedCalls` returns (tool results already in model-output form). */
export function recordModelMessages(messages: readonly ModelMessage[]): TrainingMessage[] {
  const calls: Call[] = [];
  const results = new Map<string, string>();
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as { type: string; toolCallId?: string; output?: unknown }[]) {
      if (part.type === "tool-call") calls.push(part as unknown as Call);
      else if (part.type === "tool-result") results.set(part.toolCallId!, modelText(part.output));
    }
  }
  return round(calls, results, 0);
}

function round(calls: Call[], results: Map<string, string>, offset: number): TrainingMessage[] {
  if (calls.length === 0) return [];
  const ids = calls.map((call, i) => call.toolCallId || `call_${offset + i + 1}`);
  return [
    {
      role: "assistant",
      content: null,
      tool_calls: calls.map((call, i) => ({
        id: ids[i]!,
        type: "function" as const,
        function: { name: call.toolName, arguments: JSON.stringify(call.input ?? {}) },
      })),
    },
    ...calls.map(
      (call, i): TrainingMessage => ({
        role: "tool",
        tool_call_id: ids[i]!,
        content: results.get(call.toolCallId) ?? JSON.stringify({ error: "the tool gave no result" }),
      }),
    ),
  ];
}

/** A tool result as the model read it, as text. */
function modelText(output: unknown): string {
  const o = output as { type?: string; value?: unknown };
  if (o && (o.type === "text" || o.type === "error-text") && typeof o.value === "string") return o.value;
  if (o && (o.type === "json" || o.type === "error-json")) return JSON.stringify(o.value ?? null);
  return JSON.stringify(output ?? null);
}
