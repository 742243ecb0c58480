import type { LanguageModelV3Message, LanguageModelV3Prompt } from "@ai-sdk/provider";
import { resolveChatWrapper } from "node-llama-cpp";
import type { TrainingMessage } from "../../spec/distill.js";
import { convertPrompt } from "../llamacpp/convert-prompt.js";
import { getLlamaRuntime } from "../llamacpp/llama-runtime.js";

/**
 * Renders training conversations into token ids with the base model's own
 * chat template, the way the embedded provider renders a prompt when it
 * serves (the same `convertPrompt`, the same chat wrapper node-llama-cpp
 * resolves from the GGUF, the same tokenizer), followed by the token at which
 * serving stops the answer (end of turn), so the student learns to stop.
 *
 * Loads only the vocabulary of `basePath` (no weights). Each conversation
 * ends with the assistant's last message.
 */
export async function renderConversations(
  basePath: string,
  conversations: readonly (readonly TrainingMessage[])[],
): Promise<Int32Array[]> {
  const { llama } = await getLlamaRuntime({ gpu: false });
  const model = await llama.loadModel({ modelPath: basePath, vocabOnly: true });
  try {
    const wrapper = resolveChatWrapper(model);
    const endOfTurn = model.tokens.eot ?? model.tokens.eos;
    return conversations.map((messages) => {
      const { history } = convertPrompt(toPrompt(messages));
      const { contextText } = wrapper.generateContextState({ chatHistory: history });
      const tokens: number[] = contextText.tokenize(model.tokenizer);
      if (endOfTurn !== null) tokens.push(endOfTurn);
      return Int32Array.from(tokens);
    });
  } finally {
    await model.dispose();
  }
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
