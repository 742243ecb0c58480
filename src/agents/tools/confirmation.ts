/**
 * Confirmation of tools with side effects (`requiresConfirmation`): the
 * customer agrees to the exact call before it runs.
 *
 * Protocol (the runtime's part is marked RUNTIME):
 *
 * 1. Turn N. The model calls such a tool. `context.confirmed` says no, so the
 *    tool does nothing and returns `{ status: "needs_confirmation", tool,
 *    arguments, summary, note }`; the model asks the customer (the note tells it to).
 * 2. RUNTIME, end of turn N: `collectPendingConfirmations(result.steps, now)`;
 *    when not empty, store them in the metadata of the assistant message it
 *    appends: `{ [pendingConfirmationsKey]: pending }`.
 * 3. RUNTIME, start of turn N+1:
 *    `readPendingConfirmations(lastAssistant.metadata[pendingConfirmationsKey])`,
 *    then `confirmed = createConfirmationGate({ pending, customerReply, now })`
 *    in the turn's `ToolContext`. The gate says yes to a call only when its tool
 *    name and arguments equal a pending one (canonical JSON), the reply is a
 *    plain yes (`isAffirmative`, or your own `accept`) and the request is not
 *    older than `maxAgeMs`; each pending call is confirmed at most once.
 * 4. Then either (recommended, robust with small models)
 *    `runConfirmedCalls(tools, pending)` before `generateText`, appending the
 *    returned messages (assistant tool-call + tool result) to the prompt, so the
 *    model only has to tell the customer the outcome; or let the model call the
 *    tool again with the same arguments — the gate lets that call through.
 *
 * A pending call lives only in the last assistant message: any other answer in
 * between, a "no", or changed arguments leave nothing to confirm, and the
 * customer is asked again. Nothing is stored outside the conversation.
 */
import type { ModelMessage, ToolSet } from "ai";
import { z } from "zod";
import type { JsonValue } from "../../spec/json.js";
import { isAffirmative } from "./affirmative-reply.js";
import { canonicalJson } from "./canonical-json.js";
import { toModelOutput, toolError } from "./tool-result.js";

export const pendingConfirmationsKey = "pendingConfirmations";

export interface NeedsConfirmation {
  status: "needs_confirmation";
  tool: string;
  arguments: JsonValue;
  /** What would happen, for the model to put to the customer in their language. */
  summary: string;
  note: string;
}

export interface PendingConfirmation {
  toolName: string;
  args: JsonValue;
  summary: string;
  /** ISO-8601 UTC. */
  requestedAt: string;
}

const pendingSchema = z.object({
  toolName: z.string().min(1),
  args: z.json(),
  summary: z.string(),
  requestedAt: z.iso.datetime(),
});
/** Built once: a zod schema made per call cost a retrieval-mode turn ~10 µs of CPU (every turn reads it). */
const pendingListSchema = z.array(pendingSchema);

export function needsConfirmation(
  tool: { name: string; description: string },
  args: JsonValue,
): NeedsConfirmation {
  const summary = `${tool.name} (${firstSentence(tool.description)}) with ${describeArguments(args)}`;
  return {
    status: "needs_confirmation",
    tool: tool.name,
    arguments: args,
    summary,
    note:
      "Nothing has been done yet. Tell the customer exactly what will happen (the summary) and ask them to " +
      "confirm. Only after they say yes, call this tool again with exactly the same arguments.",
  };
}

export function isNeedsConfirmation(value: unknown): value is NeedsConfirmation {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { status?: unknown }).status === "needs_confirmation"
  );
}

/** The calls of this turn that wait for the customer; from `generateText`'s `result.steps`. */
export function collectPendingConfirmations(
  steps: ReadonlyArray<{ toolResults: ReadonlyArray<{ toolName: string; output: unknown }> }>,
  now: Date,
): PendingConfirmation[] {
  const pending = new Map<string, PendingConfirmation>();
  for (const step of steps) {
    for (const result of step.toolResults) {
      if (!isNeedsConfirmation(result.output)) continue;
      const { tool, arguments: args, summary } = result.output;
      pending.set(callKey(tool, args), { toolName: tool, args, summary, requestedAt: now.toISOString() });
    }
  }
  return [...pending.values()];
}

/**
 * The calls awaiting the customer's yes: those the agent's last reply
 * proposed, unless a person has written since (a staff reply, or a hand-back
 * after one, makes an old proposal stale: "ok" to the person must not run it).
 */
export function pendingFromHistory(
  history: ReadonlyArray<{ role: string; metadata: Record<string, JsonValue> }>,
): PendingConfirmation[] {
  const last = [...history].reverse().find((m) => m.role === "assistant" || m.role === "human");
  return last?.role === "assistant" ? readPendingConfirmations(last.metadata) : [];
}

/**
 * The pending calls stored under `pendingConfirmationsKey` in an assistant
 * message's metadata; pass that value (or the whole metadata object). [] when
 * there are none or they cannot be read: a damaged record confirms nothing.
 */
export function readPendingConfirmations(stored: JsonValue | undefined): PendingConfirmation[] {
  const value =
    typeof stored === "object" && stored !== null && !Array.isArray(stored)
      ? stored[pendingConfirmationsKey]
      : stored;
  if (value === undefined) return []; // the common case: the last reply proposed nothing
  const parsed = pendingListSchema.safeParse(value);
  return parsed.success ? (parsed.data as PendingConfirmation[]) : [];
}

export interface ConfirmationGateOptions {
  pending: PendingConfirmation[];
  /** The customer's message in this turn; undefined: nothing is confirmed. */
  customerReply: string | undefined;
  now: Date;
  /** Whether the reply is a yes. Default `isAffirmative`; a model-based judge fits here. */
  accept?: (reply: string) => boolean;
  /** Requests older than this are not confirmed by a late yes. Default one hour. */
  maxAgeMs?: number;
}

/** `ToolContext.confirmed` for a turn: true at most once per pending call. */
export function createConfirmationGate(
  options: ConfirmationGateOptions,
): (toolName: string, args: JsonValue) => boolean {
  const { customerReply, now } = options;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
  const accept = options.accept ?? isAffirmative;
  const agreed = customerReply !== undefined && options.pending.length > 0 && accept(customerReply);
  const open = new Set(
    agreed
      ? options.pending
          .filter((call) => now.getTime() - Date.parse(call.requestedAt) <= maxAgeMs)
          .map((call) => callKey(call.toolName, call.args))
      : [],
  );
  return (toolName, args) => open.delete(callKey(toolName, args));
}

/**
 * Runs confirmed calls through the turn's tools (whose context holds the gate)
 * and returns their outputs and the messages to put before the model's next
 * step: an assistant message with the tool calls and a tool message with
 * their results. A call the gate refuses comes back as `needs_confirmation`.
 */
export async function runConfirmedCalls(
  tools: ToolSet,
  pending: PendingConfirmation[],
  options: { abortSignal?: AbortSignal; idPrefix?: string } = {},
): Promise<{ outputs: unknown[]; messages: ModelMessage[] }> {
  const calls: { toolCallId: string; toolName: string; input: JsonValue }[] = [];
  const results: { toolCallId: string; toolName: string; output: unknown }[] = [];
  for (const [index, call] of pending.entries()) {
    const toolCallId = `${options.idPrefix ?? "confirmed"}-${index + 1}`;
    const execute = tools[call.toolName]?.execute;
    const output =
      execute === undefined
        ? toolError("not_configured", `the agent no longer has the tool ${call.toolName}; nothing was done`)
        : await execute(call.args, { toolCallId, messages: [], abortSignal: options.abortSignal });
    calls.push({ toolCallId, toolName: call.toolName, input: call.args });
    results.push({ toolCallId, toolName: call.toolName, output });
  }
  if (calls.length === 0) return { outputs: [], messages: [] };
  const messages: ModelMessage[] = [
    { role: "assistant", content: calls.map((call) => ({ type: "tool-call", ...call })) },
    {
      role: "tool",
      content: results.map((result) => ({
        type: "tool-result",
        toolCallId: result.toolCallId,
        toolName: result.toolName,
        output: toModelOutput(result),
      })),
    },
  ];
  return { outputs: results.map((result) => result.output), messages };
}

function callKey(toolName: string, args: JsonValue): string {
  return `${toolName}\u0000${canonicalJson(args)}`;
}

function describeArguments(args: JsonValue): string {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return JSON.stringify(args);
  const entries = Object.entries(args);
  if (entries.length === 0) return "no arguments";
  return entries.map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join(", ");
}

function firstSentence(text: string): string {
  const sentence = /^[^.!?\n]*/.exec(text.trim())?.[0] ?? text;
  return sentence.length > 120 ? `${sentence.slice(0, 119)}…` : sentence;
}
