import type {
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from "node-llama-cpp";
import { ValidationError } from "../../spec/errors.js";

/**
 * AI SDK prompt → node-llama-cpp chat history, which the model's own chat
 * template (the chat wrapper node-llama-cpp picks from the GGUF) renders.
 *
 * The shapes differ in one way that matters: the AI SDK keeps a tool call
 * (assistant message) and its result (tool message) apart, joined by an id;
 * node-llama-cpp keeps them together as one function-call item inside the
 * model's response, and an assistant message after the results continues that
 * same response. So assistant messages that follow tool messages are merged
 * into the preceding model item, and each result is attached to its call.
 */

export interface ConvertedPrompt {
  history: ChatHistoryItem[];
  warnings: SharedV3Warning[];
}

export function convertPrompt(prompt: LanguageModelV3Prompt): ConvertedPrompt {
  const history: ChatHistoryItem[] = [];
  const warnings: SharedV3Warning[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  let openModel: ChatModelResponse | undefined;

  const modelItem = (): ChatModelResponse => {
    if (openModel === undefined) {
      openModel = { type: "model", response: [] };
      history.push(openModel);
    }
    return openModel;
  };

  prompt.forEach((message, m) => {
    switch (message.role) {
      case "system":
        openModel = undefined;
        history.push({ type: "system", text: message.content });
        break;
      case "user": {
        openModel = undefined;
        const texts = message.content.map((part, p) =>
          part.type === "text" ? part.text : fileAsText(part, ["prompt", m, "content", p]),
        );
        history.push({ type: "user", text: texts.join("\n") });
        break;
      }
      case "assistant": {
        const item = modelItem();
        message.content.forEach((part, p) => {
          if (part.type === "text") item.response.push(part.text);
          else if (part.type === "reasoning") {
            item.response.push({ type: "segment", segmentType: "thought", text: part.text, ended: true });
          } else if (part.type === "tool-call") {
            const call: ChatModelFunctionCall = {
              type: "functionCall",
              name: part.toolName,
              params: part.input,
              result: undefined,
            };
            calls.set(part.toolCallId, call);
            item.response.push(call);
          } else if (part.type === "tool-result") {
            attachResult(part.toolCallId, part.toolName, part.output);
          } else {
            item.response.push(fileAsText(part, ["prompt", m, "content", p]));
          }
        });
        break;
      }
      case "tool":
        for (const part of message.content) {
          if (part.type === "tool-result") attachResult(part.toolCallId, part.toolName, part.output);
        }
        break;
    }
  });

  function attachResult(toolCallId: string, toolName: string, output: LanguageModelV3ToolResultOutput) {
    const result = toolResultValue(output, warnings);
    const call = calls.get(toolCallId);
    if (call) call.result = result;
    else modelItem().response.push({ type: "functionCall", name: toolName, params: {}, result });
  }

  return { history, warnings };
}

/** What a tool result looks like to the model: plain values, errors as `{ "error": … }`. */
function toolResultValue(output: LanguageModelV3ToolResultOutput, warnings: SharedV3Warning[]): unknown {
  switch (output.type) {
    case "text":
    case "json":
      return output.value;
    case "error-text":
    case "error-json":
      return { error: output.value };
    case "execution-denied":
      return { error: `The tool was not run: ${output.reason ?? "execution denied"}` };
    case "content":
      return output.value
        .map((part) => {
          if (part.type === "text") return part.text;
          warnings.push({
            type: "unsupported",
            feature: `tool result part "${part.type}"`,
            details: "only text is passed to the model",
          });
          return "";
        })
        .join("");
  }
}

/** Text files are read inline; anything else cannot be given to a text-only model. */
function fileAsText(part: LanguageModelV3FilePart, path: (string | number)[]): string {
  if (part.mediaType.startsWith("text/") || part.mediaType === "application/json") {
    if (part.data instanceof Uint8Array) return new TextDecoder().decode(part.data);
    if (typeof part.data === "string") return Buffer.from(part.data, "base64").toString("utf8");
  }
  throw new ValidationError(
    `the embedded llama.cpp models read text only; a ${part.mediaType} file part cannot be used`,
    [{ path, message: `unsupported file part: ${part.mediaType}` }],
    "Send the content as text, or use a multimodal model through an OpenAI-compatible server.",
  );
}
