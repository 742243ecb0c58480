import type { LanguageModelV3CallOptions, LanguageModelV3Usage } from "@ai-sdk/provider";
import {
  type ChatWrapper,
  LlamaChat,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import type { LlamaCppProvider } from "../src/models/llamacpp/create-llamacpp-provider.js";
import type { SequenceLease } from "../src/models/llamacpp/model-pool.js";
import { type BenchPrompt, renderChatPrompt } from "./inference-prompts.js";
import { startClock } from "./lib/clock.js";

/**
 * The three ways `bench/inference.ts` runs one prompt: through our provider,
 * and through node-llama-cpp directly at two levels (LlamaChat, which our
 * provider is built on, and a bare sequence.evaluate loop). Every side runs
 * on the same context sequence (the provider's own, borrowed between calls),
 * sends the same rendered tokens, decodes greedily with no repeat penalty,
 * and reuses the sequence's KV cache the same way (the longest shared prefix).
 * One sequence for all: separately created contexts of one model were
 * measured up to 10% apart on the tiny preset, by memory placement alone,
 * which hid the few percent this benchmark is about.
 */

export interface ContextSettings {
  threads: number;
  contextSize: number;
  sequences: number;
  seed: number;
}

export interface CallResult {
  /** Wall time from handing over the prompt to having the whole answer, in milliseconds. */
  ms: number;
  /** CPU time of the process over the same span (see `startClock`), in milliseconds. */
  cpuMs: number;
  /** Rendered prompt tokens. */
  promptTokens: number;
  /** Prompt tokens not found in the sequence's KV cache (the leading shared prefix is reused). */
  evaluatedPromptTokens: number;
  /** Tokens generated (counted by the side itself, not assumed). */
  outputTokens: number;
  text: string;
}

export interface BenchSide {
  readonly name: string;
  /** Sends `prompt` and generates at most `maxTokens` tokens greedily; resolves when the answer is complete. */
  call(prompt: BenchPrompt, maxTokens: number): Promise<CallResult>;
  dispose(): Promise<void>;
}

/**
 * Ours: the AI SDK LanguageModelV3 of `provider` (made by `createLlamaCpp` with
 * the same context settings), via `doStream` or `doGenerate`. The provider
 * outlives the side: its owner disposes it.
 */
export function providerSide(
  provider: LlamaCppProvider,
  modelPath: string,
  settings: ContextSettings,
  api: "stream" | "generate",
): BenchSide {
  const model = provider.languageModel(modelPath);
  return {
    name: `ours: createLlamaCpp ${api === "stream" ? "doStream" : "doGenerate"}`,
    async call(prompt, maxTokens) {
      const options: LanguageModelV3CallOptions = {
        prompt: [{ role: "user", content: [{ type: "text", text: prompt.text }] }],
        maxOutputTokens: maxTokens,
        temperature: 0,
        seed: settings.seed,
      };
      const clock = startClock();
      let text = "";
      let usage: LanguageModelV3Usage | undefined;
      if (api === "generate") {
        const result = await model.doGenerate(options);
        for (const part of result.content) if (part.type === "text") text += part.text;
        usage = result.usage;
      } else {
        const reader = (await model.doStream(options)).stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (value.type === "text-delta") text += value.delta;
          else if (value.type === "finish") usage = value.usage;
          else if (value.type === "error") throw value.error;
        }
      }
      const { ms, cpuMs } = clock.stop();
      if (usage === undefined) throw new Error("the provider finished without usage");
      return {
        ms,
        cpuMs,
        promptTokens: usage.inputTokens.total ?? Number.NaN,
        evaluatedPromptTokens: usage.inputTokens.noCache ?? Number.NaN,
        outputTokens: usage.outputTokens.total ?? Number.NaN,
        text,
      };
    },
    dispose: async () => {},
  };
}

/** Borrows the context sequence every side runs on (the provider's own; see `provider.acquireSequence`). */
export type Borrow = () => Promise<SequenceLease>;

/** node-llama-cpp's LlamaChat, used as its documentation shows, on the borrowed sequence. */
export function llamaChatSide(
  chatWrapper: ChatWrapper,
  settings: ContextSettings,
  borrow: Borrow,
): BenchSide {
  const chats = new WeakMap<LlamaContextSequence, LlamaChat>();
  return {
    name: "node-llama-cpp LlamaChat",
    async call(prompt, maxTokens) {
      const lease = await borrow();
      try {
        const { sequence } = lease;
        const chat = chats.get(sequence) ?? new LlamaChat({ contextSequence: sequence, chatWrapper });
        chats.set(sequence, chat);
        // Counted outside the timed call; LlamaChat makes the same comparison inside it.
        const cached = Math.min(
          sequence.compareContextTokens(prompt.tokens).firstDifferentIndex,
          prompt.tokens.length,
        );
        const before = sequence.tokenMeter.getState();
        let text = "";
        const clock = startClock();
        await chat.generateResponse(
          [
            { type: "user", text: prompt.text },
            { type: "model", response: [] },
          ],
          {
            maxTokens,
            temperature: 0,
            seed: settings.seed,
            repeatPenalty: false,
            onResponseChunk: (chunk) => {
              text += chunk.text;
            },
          },
        );
        const { ms, cpuMs } = clock.stop();
        return {
          ms,
          cpuMs,
          promptTokens: prompt.tokens.length,
          evaluatedPromptTokens: prompt.tokens.length - cached,
          outputTokens: sequence.tokenMeter.diff(before).usedOutputTokens,
          text,
        };
      } finally {
        lease.release();
      }
    },
    dispose: async () => {},
  };
}

/**
 * The floor: render and tokenize the prompt, reuse the cached prefix, then a
 * bare `sequence.evaluate` loop on the borrowed sequence that takes each
 * greedy token (EOG included: it never stops early) and detokenizes the
 * answer once at the end.
 */
export function evaluateSide(
  model: LlamaModel,
  chatWrapper: ChatWrapper,
  settings: ContextSettings,
  borrow: Borrow,
): BenchSide {
  return {
    name: "node-llama-cpp sequence.evaluate",
    async call(prompt, maxTokens) {
      const lease = await borrow();
      try {
        const { sequence } = lease;
        const clock = startClock();
        const tokens = renderChatPrompt(model, chatWrapper, prompt.text);
        const shared = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length);
        // At least the last prompt token is evaluated again: its logits give the first answer token.
        const reuse = Math.min(shared, tokens.length - 1);
        if (sequence.nextTokenIndex > reuse)
          await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
        const output: Token[] = [];
        for await (const token of sequence.evaluate(tokens.slice(reuse), {
          temperature: 0,
          seed: settings.seed,
          yieldEogToken: true,
        })) {
          output.push(token);
          if (output.length >= maxTokens) break;
        }
        const text = model.detokenize(output);
        const { ms, cpuMs } = clock.stop();
        return {
          ms,
          cpuMs,
          promptTokens: tokens.length,
          evaluatedPromptTokens: tokens.length - shared,
          outputTokens: output.length,
          text,
        };
      } finally {
        lease.release();
      }
    },
    dispose: async () => {},
  };
}
