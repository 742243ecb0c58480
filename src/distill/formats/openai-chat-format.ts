/**
 * OpenAI chat fine-tuning JSONL: one `{"messages": [...], "tools"?: [...]}`
 * per line, messages in the chat-completions shape with `tool_calls` and
 * `tool` results (what OpenAI's fine-tuning API, vLLM-era trainers, Axolotl's
 * `chat_template` and TRL's conversational datasets all read).
 *
 * Export writes exactly that and nothing else (OpenAI rejects unknown keys).
 * Import is lenient where other tools differ harmlessly — content given as
 * text parts, a `developer` role, `name`/`weight` fields, a missing assistant
 * `content` — and strict where a trainer would fail.
 */
import { z } from "zod";
import { type TrainingMessage, trainingMessageSchema } from "../../spec/distill.js";
import { conversationIssues } from "./conversation-issues.js";

/** A function tool as the chat-completions API declares it. */
export const openAiToolSchema = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();
export type OpenAiTool = z.infer<typeof openAiToolSchema>;

/** One exported line. */
export const openAiChatLineSchema = z
  .object({
    messages: z.array(trainingMessageSchema).min(2),
    tools: z.array(openAiToolSchema).optional(),
  })
  .strict()
  .superRefine((line, ctx) => {
    for (const issue of conversationIssues(line.messages))
      ctx.addIssue({ code: "custom", message: issue.message, path: ["messages", ...issue.path] });
  });
export type OpenAiChatLine = z.infer<typeof openAiChatLineSchema>;

export function toOpenAiChatLine(
  messages: readonly TrainingMessage[],
  tools?: readonly OpenAiTool[],
): OpenAiChatLine {
  return { messages: [...messages], ...(tools && tools.length > 0 ? { tools: [...tools] } : {}) };
}

const text = z.union([
  z.string(),
  z
    .array(z.object({ type: z.literal("text"), text: z.string() }))
    .transform((parts) => parts.map((p) => p.text).join("")),
]);

/** A message as other tools write it; unknown keys (`name`, `weight`) are dropped. */
const lenientMessageSchema = z.discriminatedUnion("role", [
  z
    .object({ role: z.enum(["system", "developer"]), content: text })
    .transform((m) => ({ role: "system" as const, content: m.content })),
  z.object({ role: z.literal("user"), content: text }),
  z
    .object({
      role: z.literal("assistant"),
      content: text.nullable().optional(),
      tool_calls: z
        .array(
          z.object({
            id: z.string().min(1),
            type: z.literal("function").default("function"),
            function: z.object({
              name: z.string().min(1),
              arguments: z.union([
                z.string(),
                z.record(z.string(), z.unknown()).transform((a) => JSON.stringify(a)),
              ]),
            }),
          }),
        )
        .optional(),
    })
    .transform((m) => ({
      role: "assistant" as const,
      content: m.content ?? null,
      ...(m.tool_calls && m.tool_calls.length > 0
        ? {
            tool_calls: m.tool_calls.map((c) => ({
              id: c.id,
              type: "function" as const,
              function: { name: c.function.name, arguments: c.function.arguments },
            })),
          }
        : {}),
    })),
  z.object({ role: z.literal("tool"), tool_call_id: z.string().min(1), content: text }),
]);

const lenientLineSchema = z
  .object({ messages: z.array(lenientMessageSchema).min(2), tools: z.array(z.unknown()).optional() })
  .superRefine((line, ctx) => {
    for (const issue of conversationIssues(line.messages as TrainingMessage[]))
      ctx.addIssue({ code: "custom", message: issue.message, path: ["messages", ...issue.path] });
  });

/** The messages of one imported line, or zod's issues. */
export function parseOpenAiChatLine(
  value: unknown,
): { ok: true; messages: TrainingMessage[] } | { ok: false; error: z.ZodError } {
  const parsed = lenientLineSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, messages: parsed.data.messages as TrainingMessage[] };
}
