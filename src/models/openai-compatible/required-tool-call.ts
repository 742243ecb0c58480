/**
 * `toolChoice: "required"` or a named tool on a remote engine. Engines may
 * ignore tools (llama-server drops them for chat templates without tool
 * support) and answer in plain text with finish reason `stop`: that must never
 * reach the caller as if it were the call it asked for.
 *
 * The engine's answer is checked: at least one call, each to an offered tool
 * (the named one, when named), each with arguments that parse and match that
 * tool's input schema. Otherwise the request is made once more without tools,
 * as constrained JSON (`response_format` json_schema) describing the call —
 * `{"name": …, "arguments": {…}}` — unless the engine is known not to
 * constrain decoding. A retry cut by the token limit is dropped, as the
 * embedded provider drops a cut call (finish reason `length`, no call: never
 * a tool run on invented arguments). Anything else throws `tool_call_missing`.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { AlambiqueError } from "../../spec/errors.js";
import type { JsonSchemaDefinition } from "../llamacpp/grammar/json-schema.js";
import { matchesSchema } from "../llamacpp/grammar/schema-validator.js";

/** The tools a call must use one of, or undefined when it does not require a call. */
export function requiredTools(
  options: LanguageModelV3CallOptions,
): LanguageModelV3FunctionTool[] | undefined {
  const choice = options.toolChoice;
  if (choice?.type !== "required" && choice?.type !== "tool") return undefined;
  const functions = (options.tools ?? []).filter(
    (t): t is LanguageModelV3FunctionTool => t.type === "function",
  );
  return choice.type === "tool" ? functions.filter((t) => t.name === choice.toolName) : functions;
}

/** Whether the result holds at least one call, and only calls to `tools` whose arguments match. */
export function hasValidCall(
  result: LanguageModelV3GenerateResult,
  tools: LanguageModelV3FunctionTool[],
): boolean {
  const calls = result.content.filter((p) => p.type === "tool-call");
  return calls.length > 0 && calls.every((call) => argumentsMatch(tools, call.toolName, call.input));
}

/** The same request as constrained JSON describing one call (see the module comment). */
export function constrainedCallRequest(
  options: LanguageModelV3CallOptions,
  tools: LanguageModelV3FunctionTool[],
): LanguageModelV3CallOptions {
  const { tools: _tools, toolChoice: _choice, ...rest } = options;
  const branches = tools.map((t) => ({
    type: "object",
    properties: { name: { const: t.name }, arguments: t.inputSchema },
    required: ["name", "arguments"],
    additionalProperties: false,
  }));
  const list = tools.map((t) => `- ${t.name}${t.description ? `: ${t.description}` : ""}`).join("\n");
  const instruction =
    `Call ${tools.length === 1 ? "this tool" : "exactly one of these tools"} now, answering only with JSON ` +
    `{"name": tool name, "arguments": the tool's arguments}:\n${list}`;
  return {
    ...rest,
    prompt: withInstruction(options.prompt, instruction),
    responseFormat: {
      type: "json",
      name: "tool_call",
      schema: (branches.length === 1 ? branches[0] : { anyOf: branches }) as never,
    },
  };
}

/** The constrained retry's answer as a tool call; `length` without a call; `tool_call_missing` otherwise. */
export function callFromConstrainedAnswer(
  retry: LanguageModelV3GenerateResult,
  first: LanguageModelV3GenerateResult,
  tools: LanguageModelV3FunctionTool[],
  baseURL: string,
): LanguageModelV3GenerateResult {
  const usage = addUsage(first.usage, retry.usage);
  const text = retry.content.map((p) => (p.type === "text" ? p.text : "")).join("");
  const call = parseCall(text);
  if (call && argumentsMatch(tools, call.name, JSON.stringify(call.arguments))) {
    const content: LanguageModelV3Content[] = [
      {
        type: "tool-call",
        toolCallId: `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`,
        toolName: call.name,
        input: JSON.stringify(call.arguments),
      },
    ];
    return { ...retry, content, usage, finishReason: { unified: "tool-calls", raw: "tool_calls" } };
  }
  if (retry.finishReason.unified === "length") return { ...retry, content: [], usage };
  throw toolCallMissing(tools, baseURL);
}

export function toolCallMissing(tools: LanguageModelV3FunctionTool[], baseURL: string): AlambiqueError {
  const names = tools.map((t) => t.name).join(", ");
  return new AlambiqueError(
    `the engine at ${baseURL} answered without a valid call to ${tools.length === 1 ? "the tool" : "one of the tools"} ${names}, which the request required`,
    {
      code: "tool_call_missing",
      status: 502,
      retryable: false,
      hint:
        "serve the model with a chat template that supports tools (llama-server: --jinja; a tool-capable model), " +
        "or on an engine that constrains output to a JSON schema",
    },
  );
}

function argumentsMatch(tools: LanguageModelV3FunctionTool[], name: string, input: string): boolean {
  const tool = tools.find((t) => t.name === name);
  if (!tool) return false;
  try {
    return matchesSchema(tool.inputSchema as JsonSchemaDefinition, JSON.parse(input)) !== false;
  } catch {
    return false;
  }
}

function parseCall(text: string): { name: string; arguments: unknown } | undefined {
  try {
    const value = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    return typeof value?.name === "string" && "arguments" in value
      ? { name: value.name, arguments: value.arguments }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The instruction joins the first system message (chat templates often allow only one, first). */
function withInstruction(prompt: LanguageModelV3Prompt, instruction: string): LanguageModelV3Prompt {
  const [first, ...rest] = prompt;
  if (first?.role === "system") return [{ ...first, content: `${first.content}\n\n${instruction}` }, ...rest];
  return [{ role: "system", content: instruction }, ...prompt];
}

function addUsage(a: LanguageModelV3Usage, b: LanguageModelV3Usage): LanguageModelV3Usage {
  const sum = (x: number | undefined, y: number | undefined) =>
    x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
  return {
    ...b,
    inputTokens: {
      total: sum(a.inputTokens.total, b.inputTokens.total),
      noCache: sum(a.inputTokens.noCache, b.inputTokens.noCache),
      cacheRead: sum(a.inputTokens.cacheRead, b.inputTokens.cacheRead),
      cacheWrite: sum(a.inputTokens.cacheWrite, b.inputTokens.cacheWrite),
    },
    outputTokens: {
      total: sum(a.outputTokens.total, b.outputTokens.total),
      text: sum(a.outputTokens.text, b.outputTokens.text),
      reasoning: sum(a.outputTokens.reasoning, b.outputTokens.reasoning),
    },
  };
}
