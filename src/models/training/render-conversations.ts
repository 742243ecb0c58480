import type { LanguageModelV3Message, LanguageModelV3Prompt } from "@ai-sdk/provider";
import { type LlamaModel, resolveChatWrapper } from "node-llama-cpp";
import type { TrainingMessage } from "../../spec/distill.js";
import { convertPrompt } from "../llamacpp/convert-prompt.js";
import { getLlamaRuntime } from "../llamacpp/llama-runtime.js";

/** One conversation as the model sees it, and which of its tokens the assistant wrote. */
export interface RenderedConversation {
  tokens: Int32Array;
  /**
   * 1 where the token is the assistant's (its text, its tool calls as the
   * template writes them, and the end-of-turn token that closes each of its
   * turns), 0 for the system prompt, the customer, tool results and the
   * template's markup before each turn. All 0 when the template did not render the assistant's turns as a
   * stable prefix (see `unstable`).
   */
  assistant: Uint8Array;
  /** The assistant's turns could not be located: tokenizing a prefix did not give a prefix of the tokens. */
  unstable: boolean;
}

/**
 * Renders training conversations into token ids with the base model's own
 * chat template, the way the embedded provider renders a prompt when it
 * serves (the same `convertPrompt`, the same chat wrapper node-llama-cpp
 * resolves from the GGUF, the same tokenizer), followed by the token at which
 * serving stops the answer (end of turn), so the student learns to stop.
 *
 * The assistant's tokens are found by rendering each prefix of the
 * conversation: up to the assistant's turn with an empty answer (where its
 * text starts) and up to the end of its message (where it ends, or, for a tool
 * call rendered without its result, where that render stops matching: the
 * call and the template's result header are learned, the result is not). Loads only
 * the vocabulary of `basePath` (no weights). Each conversation ends with the
 * assistant's last message.
 */
export async function renderConversations(
  basePath: string,
  conversations: readonly (readonly TrainingMessage[])[],
): Promise<RenderedConversation[]> {
  const { llama } = await getLlamaRuntime({ gpu: false });
  const model = await llama.loadModel({ modelPath: basePath, vocabOnly: true });
  try {
    const render = renderer(model);
    const endOfTurn = model.tokens.eot ?? model.tokens.eos;
    return conversations.map((messages) => {
      const full = render(messages);
      const tokens = endOfTurn === null ? full : [...full, endOfTurn];
      const assistant = new Uint8Array(tokens.length);
      let unstable = false;
      messages.forEach((message, i) => {
        if (message.role !== "assistant" || unstable) return;
        const start = render([...messages.slice(0, i), { role: "assistant", content: "" }]).length;
        const upTo = render(messages.slice(0, i + 1));
        // Rendered alone, a tool call gets a placeholder result: its span ends where that differs.
        let end = 0;
        while (end < upTo.length && upTo[end] === tokens[end]) end++;
        if (end <= start) {
          unstable = true;
          return;
        }
        // When its whole render is a prefix, the token after it is the end of its turn: learned too.
        assistant.fill(1, start, end === upTo.length ? Math.min(tokens.length, end + 1) : end);
      });
      if (unstable) assistant.fill(0);
      return { tokens: Int32Array.from(tokens), assistant, unstable };
    });
  } finally {
    await model.dispose();
  }
}

function renderer(model: LlamaModel): (messages: readonly TrainingMessage[]) => number[] {
  const wrapper = resolveChatWrapper(model);
  return (messages) => {
    const { history } = convertPrompt(toPrompt(messages));
    const { contextText } = wrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(model.tokenizer) as number[];
  };
}

/** OpenAI-shaped training messages → the provider spec's prompt (what `convertPrompt` reads). */
export function toPrompt(messages: readonly TrainingMessage[]): LanguageModelV3Prompt {
  const toolNames = new Map<string, string>();
  return messages.map((message): LanguageModelV3Message => {
    switch (message.role) {
      case "system":
        return { role: "system", content: message.content };
      case "user":
        return { role: "user", content: [{ type: "text", text: message.content }] };
      case "assistant":
        for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name);
        return {
          role: "assistant",
          content: [
            ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
            ...(message.tool_calls ?? []).map((call) => ({
              type: "tool-call" as const,
              toolCallId: call.id,
              toolName: call.function.name,
              input: parseArguments(call.function.arguments),
            })),
          ],
        };
      default:
        return {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: message.tool_call_id,
              toolName: toolNames.get(message.tool_call_id) ?? "tool",
              output: { type: "text", value: message.content },
            },
          ],
        };
    }
  });
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
