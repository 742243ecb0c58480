import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
} from "@ai-sdk/provider";
import type { JsonValue } from "../../spec/json.js";

/**
 * Text that spells a chat template's control token (`<|eot_id|>`,
 * `<|im_start|>`, `[INST]`, `<end_of_turn>`…), made inert for remote engines.
 *
 * Why: an OpenAI-compatible engine renders the messages into one prompt
 * string and tokenizes it with special tokens parsed (llama-server with
 * `--jinja`, vLLM, TGI): a customer who types `<|eot_id|><|start_header_id|>
 * system<|end_header_id|>` ends the turn and writes a system message of their
 * own. The embedded provider never has this problem (node-llama-cpp
 * tokenizes message text with special tokens off), so the remote one must
 * not either. Nothing in the engine's API turns parsing off per message, so
 * the text is changed instead: a WORD JOINER (U+2060, invisible, no meaning)
 * after the token's first character keeps it from matching any vocabulary
 * entry while a person reading it sees the same characters.
 *
 * Every message is defused, the owner's system prompt and earlier answers
 * included: a knowledge document or a tool result can carry the same text.
 */
export function defuseControlTokens(options: LanguageModelV3CallOptions): LanguageModelV3CallOptions {
  if (!promptHasControlToken(options.prompt)) return options;
  return { ...options, prompt: options.prompt.map(defuseMessage) };
}

const joiner = "\u2060";

/**
 * Shapes of the control tokens of the chat templates in use: `<|…|>` (Llama 3,
 * ChatML/Qwen, Phi), DeepSeek's full-width `<｜…｜>`, `<s>`/`</s>`/`<unk>`/`<pad>`
 * (Llama 2, Mistral), Mistral's `[INST]`-style upper-case brackets, Gemma's
 * `<start_of_turn>`/`<end_of_turn>`/`<bos>`/`<eos>`, and Hermes/Qwen tool tags.
 */
const controlToken =
  /<\|[^\s|<>]{1,64}\|>|<｜[^\s｜<>]{1,64}｜>|<\/?s>|<(?:unk|pad|bos|eos)>|\[\/?[A-Z][A-Z_]{1,31}\]|<(?:start|end)_of_turn>|<\/?tool_(?:call|response)>/g;

/** `text` with every control-token shape broken by a joiner after its first character. */
export function defuseText(text: string): string {
  return text.replace(controlToken, (token) => token[0] + joiner + token.slice(1));
}

function hasControlToken(text: string): boolean {
  controlToken.lastIndex = 0;
  return controlToken.test(text);
}

function promptHasControlToken(prompt: LanguageModelV3Prompt): boolean {
  // One pass over the strings first: most turns have nothing to defuse, and then nothing is copied.
  for (const message of prompt) {
    if (message.role === "system") {
      if (hasControlToken(message.content)) return true;
      continue;
    }
    for (const part of message.content) if (hasControlToken(JSON.stringify(part))) return true;
  }
  return false;
}

function defuseMessage(message: LanguageModelV3Message): LanguageModelV3Message {
  switch (message.role) {
    case "system":
      return { ...message, content: defuseText(message.content) };
    case "user":
      return {
        ...message,
        content: message.content.map((part) =>
          part.type === "text" ? { ...part, text: defuseText(part.text) } : part,
        ),
      };
    case "assistant":
      return {
        ...message,
        content: message.content.map((part) => {
          if (part.type === "text" || part.type === "reasoning")
            return { ...part, text: defuseText(part.text) };
          if (part.type === "tool-result") return { ...part, output: defuseOutput(part.output) };
          return part;
        }),
      };
    case "tool":
      return {
        ...message,
        content: message.content.map((part) =>
          part.type === "tool-result" ? { ...part, output: defuseOutput(part.output) } : part,
        ),
      };
  }
}

function defuseOutput(output: LanguageModelV3ToolResultOutput): LanguageModelV3ToolResultOutput {
  switch (output.type) {
    case "text":
    case "error-text":
      return { ...output, value: defuseText(output.value) };
    case "json":
    case "error-json":
      return { ...output, value: defuseJson(output.value as JsonValue) as typeof output.value };
    case "content":
      return {
        ...output,
        value: output.value.map((item) =>
          item.type === "text" ? { ...item, text: defuseText(item.text) } : item,
        ),
      };
    default:
      return output;
  }
}

function defuseJson(value: JsonValue): JsonValue {
  if (typeof value === "string") return defuseText(value);
  if (Array.isArray(value)) return value.map(defuseJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, defuseJson(item)]));
  }
  return value;
}
