import { z } from "zod";

/**
 * The body of `POST /v1/chat/completions`, as OpenAI documents it, restricted
 * to what a `LanguageModelV3` can honour. Unknown fields are dropped rather
 * than refused, so that clients sending newer or vendor-specific fields
 * (`parallel_tool_calls`, `logprobs: false`, `top_k`) keep working; every
 * field that is read is checked here, and nowhere else.
 *
 * Optional fields accept `null` as well as absence: several clients send
 * explicit nulls for unset options.
 */

const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });

const imagePartSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1), detail: z.string().nullish() }),
});

const userPartSchema = z.discriminatedUnion("type", [textPartSchema, imagePartSchema]);

/** System, developer, assistant and tool content: plain text, possibly split into text parts. */
const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);

const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

export const chatMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: textContentSchema, name: z.string().nullish() }),
  // OpenAI's newer name for the system role.
  z.object({ role: z.literal("developer"), content: textContentSchema, name: z.string().nullish() }),
  z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(userPartSchema)]),
    name: z.string().nullish(),
  }),
  z.object({
    role: z.literal("assistant"),
    content: textContentSchema.nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
    reasoning_content: z.string().nullish(),
    name: z.string().nullish(),
  }),
  z.object({ role: z.literal("tool"), content: textContentSchema, tool_call_id: z.string().min(1) }),
]);

const functionToolSchema = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, underscores or dashes"),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().min(1).max(64),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const tokenCountSchema = z.number().int().positive().nullish();

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(chatMessageSchema).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
    max_tokens: tokenCountSchema,
    max_completion_tokens: tokenCountSchema,
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    seed: z.number().int().nullish(),
    n: z
      .number()
      .int()
      .refine((n) => n === 1, "only n=1 is supported: send one request per completion")
      .nullish(),
    stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(16)]).nullish(),
    tools: z.array(functionToolSchema).nullish(),
    tool_choice: toolChoiceSchema.nullish(),
    response_format: responseFormatSchema.nullish(),
    user: z.string().max(256).nullish(),
  })
  .superRefine((request, ctx) => {
    const choice = request.tool_choice;
    if (choice === undefined || choice === null || choice === "none" || choice === "auto") return;
    const names = new Set((request.tools ?? []).map((t) => t.function.name));
    if (choice === "required" && names.size === 0) {
      ctx.addIssue({ code: "custom", path: ["tool_choice"], message: '"required" needs at least one tool' });
    } else if (typeof choice === "object" && !names.has(choice.function.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["tool_choice", "function", "name"],
        message: `no tool named "${choice.function.name}" in tools`,
      });
    }
  });

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
