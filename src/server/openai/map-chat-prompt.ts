import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";
import { RequestError } from "../request-error.js";
import type { ChatMessage } from "./chat-completion-request.js";

/**
 * OpenAI chat messages → the provider spec's prompt.
 *
 * - `developer` is OpenAI's newer name for `system`.
 * - Consecutive `tool` messages become one tool message (the spec's shape for
 *   the results of one step); each result needs the name of the tool it
 *   answers, which OpenAI leaves out, so it is looked up from the assistant
 *   message that made the call.
 * - Tool-call arguments arrive as JSON text and are parsed, because the spec
 *   carries them as values.
 *
 * Throws `RequestError` (400, with `param`) for a tool result that answers no
 * earlier call, arguments that are not JSON, or an image that is neither a
 * `data:` URL nor an http(s) URL.
 */
export function mapChatPrompt(messages: readonly ChatMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, i) => {
    switch (message.role) {
      case "system":
      case "developer":
        prompt.push({ role: "system", content: joinText(message.content) });
        return;
      case "user":
        prompt.push({ role: "user", content: userContent(message.content, i) });
        return;
      case "assistant":
        prompt.push(assistantMessage(message, i, toolNames));
        return;
      case "tool": {
        const toolName = toolNames.get(message.tool_call_id);
        if (toolName === undefined) {
          throw new RequestError(
            `no assistant tool call with id "${message.tool_call_id}" precedes this message`,
            {
              code: "invalid_request",
              param: `messages[${i}].tool_call_id`,
            },
          );
        }
        const part: LanguageModelV3ToolResultPart = {
          type: "tool-result",
          toolCallId: message.tool_call_id,
          toolName,
          output: { type: "text", value: joinText(message.content) },
        };
        const last = prompt.at(-1);
        if (last?.role === "tool") last.content.push(part);
        else prompt.push({ role: "tool", content: [part] });
        return;
      }
    }
  });
  return prompt;
}

function joinText(content: string | { text: string }[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

type UserContent = Extract<ChatMessage, { role: "user" }>["content"];

function userContent(content: UserContent, i: number): (LanguageModelV3TextPart | LanguageModelV3FilePart)[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, j) => {
    if (part.type === "text") return { type: "text", text: part.text };
    return imagePart(part.image_url.url, `messages[${i}].content[${j}].image_url.url`);
  });
}

function imagePart(url: string, param: string): LanguageModelV3FilePart {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: "file", mediaType: data[1] ?? "image/*", data: data[2] ?? "" };
  if (/^https?:\/\//i.test(url) && URL.canParse(url))
    return { type: "file", mediaType: "image/*", data: new URL(url) };
  throw new RequestError("an image must be a data:...;base64 URL or an http(s) URL", {
    code: "invalid_request",
    param,
  });
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

function assistantMessage(
  message: AssistantMessage,
  i: number,
  toolNames: Map<string, string>,
): LanguageModelV3Message {
  const content: Extract<LanguageModelV3Message, { role: "assistant" }>["content"] = [];
  if (message.reasoning_content) content.push({ type: "reasoning", text: message.reasoning_content });
  const text = message.content == null ? "" : joinText(message.content);
  if (text !== "") content.push({ type: "text", text });
  (message.tool_calls ?? []).forEach((call, j) => {
    let input: unknown;
    try {
      input = JSON.parse(call.function.arguments === "" ? "{}" : call.function.arguments);
    } catch {
      throw new RequestError("tool call arguments must be JSON text", {
        code: "invalid_request",
        param: `messages[${i}].tool_calls[${j}].function.arguments`,
      });
    }
    toolNames.set(call.id, call.function.name);
    content.push({ type: "tool-call", toolCallId: call.id, toolName: call.function.name, input });
  });
  return { role: "assistant", content };
}
