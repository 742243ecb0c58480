/**
 * ShareGPT JSONL, in the variant LLaMA-Factory reads for tool use:
 * `{"conversations": [{"from": "system"|"human"|"gpt"|"function_call"|"observation", "value": "…"}], "tools"?: "…"}`.
 *
 * Mapping, and what it loses (the format has no place for it):
 * - user → `human`, assistant text → `gpt`, system → `system`;
 * - an assistant message with tool calls → one `function_call` whose value is
 *   `{"name","arguments"}` as JSON (arguments as an object), or a JSON list of
 *   them for parallel calls; **text said alongside tool calls is dropped**, so
 *   that turns keep alternating as LLaMA-Factory requires;
 * - the tool results answering one `function_call` → one `observation`: the
 *   result, or a JSON list of results for parallel calls;
 * - tool call ids are not kept: import numbers them `call_1`, `call_2`… in
 *   order of appearance;
 * - `tools` (a JSON string of the OpenAI tool list) rides along when given.
 *
 * Import also accepts the `user`/`assistant`/`tool` spellings some exports
 * use, and a top-level `system` field.
 */
import { z } from "zod";
import type { TrainingMessage } from "../../spec/distill.js";
import { conversationIssues } from "./conversation-issues.js";
import type { OpenAiTool } from "./openai-chat-format.js";

export const shareGptRoleSchema = z.enum(["system", "human", "gpt", "function_call", "observation"]);

export const shareGptLineSchema = z
  .object({
    conversations: z
      .array(z.object({ from: shareGptRoleSchema, value: z.string() }).strict())
      .min(2)
      .refine(
        (turns) =>
          turns.some((t) => t.from === "human") &&
          turns.some((t) => t.from === "gpt" || t.from === "function_call"),
        {
          message: "needs a human turn and a gpt or function_call turn",
        },
      )
      .refine(
        (turns) => turns.every((t, i) => t.from !== "observation" || turns[i - 1]?.from === "function_call"),
        {
          message: "an observation must follow a function_call",
        },
      ),
    tools: z.string().optional(),
  })
  .strict();
export type ShareGptLine = z.infer<typeof shareGptLineSchema>;

export function toShareGptLine(
  messages: readonly TrainingMessage[],
  tools?: readonly OpenAiTool[],
): ShareGptLine {
  const conversations: ShareGptLine["conversations"] = [];
  let pendingResults: string[] = [];
  let expected = 0;
  const flushResults = () => {
    if (pendingResults.length === 0) return;
    conversations.push({
      from: "observation",
      value: expected > 1 ? JSON.stringify(pendingResults) : pendingResults.join("\n"),
    });
    pendingResults = [];
  };
  for (const message of messages) {
    if (message.role !== "tool") flushResults();
    switch (message.role) {
      case "system":
        conversations.push({ from: "system", value: message.content });
        break;
      case "user":
        conversations.push({ from: "human", value: message.content });
        break;
      case "assistant": {
        const calls = message.tool_calls ?? [];
        if (calls.length === 0) {
          conversations.push({ from: "gpt", value: message.content ?? "" });
          break;
        }
        const values = calls.map((c) => ({
          name: c.function.name,
          arguments: parseArguments(c.function.arguments),
        }));
        conversations.push({
          from: "function_call",
          value: JSON.stringify(values.length === 1 ? values[0] : values),
        });
        expected = calls.length;
        break;
      }
      case "tool":
        pendingResults.push(message.content);
        break;
    }
  }
  flushResults();
  return { conversations, ...(tools && tools.length > 0 ? { tools: JSON.stringify(tools) } : {}) };
}

const aliases: Record<string, z.infer<typeof shareGptRoleSchema>> = {
  system: "system",
  human: "human",
  user: "human",
  gpt: "gpt",
  assistant: "gpt",
  function_call: "function_call",
  observation: "observation",
  tool: "observation",
  function: "observation",
};

const lenientLineSchema = z.object({
  conversations: z
    .array(
      z.object({
        from: z.string().transform((from, ctx) => {
          const role = aliases[from];
          if (!role)
            ctx.addIssue({
              code: "custom",
              message: `unknown role "${from}" (expected human, gpt, system, function_call or observation)`,
            });
          return role ?? "human";
        }),
        value: z.string(),
      }),
    )
    .min(2),
  system: z.string().optional(),
});

const callSchema = z.object({
  name: z.string().min(1),
  arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).default({}),
});

/** The messages of one imported line, or what is wrong with it (with a path into `conversations`). */
export function parseShareGptLine(
  value: unknown,
):
  | { ok: true; messages: TrainingMessage[] }
  | { ok: false; issues: { path: (string | number)[]; message: string }[] } {
  const parsed = lenientLineSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })),
    };
  const messages: TrainingMessage[] = [];
  if (parsed.data.system) messages.push({ role: "system", content: parsed.data.system });
  const issues: { path: (string | number)[]; message: string }[] = [];
  let callNumber = 0;
  let lastCalls: string[] = [];
  parsed.data.conversations.forEach((turn, index) => {
    const path = ["conversations", index];
    switch (turn.from) {
      case "system":
        messages.push({ role: "system", content: turn.value });
        break;
      case "human":
        messages.push({ role: "user", content: turn.value });
        break;
      case "gpt":
        messages.push({ role: "assistant", content: turn.value });
        break;
      case "function_call": {
        const calls = parseCalls(turn.value);
        if (!calls) {
          issues.push({
            path,
            message: 'a function_call value must be {"name","arguments"} as JSON, or a list of them',
          });
          break;
        }
        lastCalls = calls.map(() => `call_${++callNumber}`);
        messages.push({
          role: "assistant",
          content: null,
          tool_calls: calls.map((call, i) => ({
            id: lastCalls[i]!,
            type: "function",
            function: {
              name: call.name,
              arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
            },
          })),
        });
        break;
      }
      case "observation": {
        if (lastCalls.length === 0) {
          issues.push({ path, message: "an observation with no function_call before it" });
          break;
        }
        const results = lastCalls.length > 1 ? parseResults(turn.value, lastCalls.length) : [turn.value];
        if (!results) {
          issues.push({
            path,
            message: `an observation answering ${lastCalls.length} calls must be a JSON list of ${lastCalls.length} results`,
          });
          break;
        }
        results.forEach((content, i) => {
          messages.push({ role: "tool", tool_call_id: lastCalls[i]!, content });
        });
        lastCalls = [];
        break;
      }
    }
  });
  for (const issue of conversationIssues(messages)) issues.push({ path: [], message: issue.message });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, messages };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseCalls(value: string): z.infer<typeof callSchema>[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const list = z
    .array(callSchema)
    .min(1)
    .safeParse(Array.isArray(json) ? json : [json]);
  return list.success ? list.data : undefined;
}

function parseResults(value: string, count: number): string[] | undefined {
  try {
    const json: unknown = JSON.parse(value);
    if (Array.isArray(json) && json.length === count)
      return json.map((r) => (typeof r === "string" ? r : JSON.stringify(r)));
  } catch {
    // fall through
  }
  return undefined;
}
