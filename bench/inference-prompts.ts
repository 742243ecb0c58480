import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatWrapper, LlamaModel, Token } from "node-llama-cpp";
import { forgeDataDir } from "../src/models/forge/forge-corpus.js";

/** One benchmark prompt: a single user message, sent as-is by every side. */
export interface BenchPrompt {
  /** The user message. */
  text: string;
  /** The whole prompt as the model's chat template renders it (BOS, headers, the assistant header), tokenized. */
  tokens: Token[];
}

/** Tokens between two prompts' starting points in the corpus. */
const STRIDE = 61;

/**
 * Renders a one-message chat exactly as LlamaChat does (and so as our provider
 * does: it hands the same history to LlamaChat): user message, then the
 * assistant header the answer follows.
 */
export function renderChatPrompt(model: LlamaModel, chatWrapper: ChatWrapper, text: string): Token[] {
  const { contextText } = chatWrapper.generateContextState({
    chatHistory: [
      { type: "user", text },
      { type: "model", response: [] },
    ],
  });
  return contextText.tokenize(model.tokenizer);
}

/**
 * `count` user messages cut from the English forge corpus (repeated as long as
 * needed), each sized so that the rendered prompt has `targetTokens` tokens, or
 * the nearest length the tokenizer allows (cutting text re-tokenizes its edges).
 *
 * Each prompt starts at a different place in the corpus, so consecutive prompts
 * share only the template's opening tokens: every call evaluates its prompt
 * afresh instead of finding it in the sequence's KV cache. Deterministic for a
 * given model and arguments.
 */
export async function buildPrompts(
  model: LlamaModel,
  chatWrapper: ChatWrapper,
  targetTokens: number,
  count: number,
): Promise<BenchPrompt[]> {
  const overhead = renderChatPrompt(model, chatWrapper, "").length;
  if (targetTokens <= overhead) {
    throw new Error(`--prompt-tokens must exceed the chat template's own ${overhead} tokens`);
  }
  const corpus = await readFile(join(forgeDataDir(), "corpus-en.txt"), "utf8");
  const once = model.tokenize(corpus);
  const needed = count * STRIDE + 2 * targetTokens;
  const source: Token[] = [];
  while (source.length < needed) source.push(...once);

  const prompts: BenchPrompt[] = [];
  for (let i = 0; i < count; i++) {
    const start = i * STRIDE;
    let length = targetTokens - overhead;
    let best: BenchPrompt | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const text = model.detokenize(source.slice(start, start + length));
      const tokens = renderChatPrompt(model, chatWrapper, text);
      if (
        best === undefined ||
        Math.abs(tokens.length - targetTokens) < Math.abs(best.tokens.length - targetTokens)
      )
        best = { text, tokens };
      if (tokens.length === targetTokens) break;
      length = Math.max(1, length + targetTokens - tokens.length);
    }
    prompts.push(best!);
  }
  return prompts;
}
