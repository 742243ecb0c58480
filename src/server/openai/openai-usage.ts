import type { LanguageModelV3Usage } from "@ai-sdk/provider";

/** OpenAI's token count of a completion, as `/v1` answers it and as budgets and metrics record it. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What a completion reports when nothing was counted but OpenAI's shape needs a count (the usage chunk). */
export const NO_USAGE: OpenAIUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/**
 * Token counts in the provider spec's shape, from plain numbers: what an
 * agent turn reports, or an estimate. `undefined` stays "not counted", so
 * that every count reaches `/v1` through the one converter, `toOpenAIUsage`.
 */
export function specUsage(
  inputTokens: number | undefined,
  outputTokens: number | undefined,
): LanguageModelV3Usage {
  return {
    inputTokens: { total: inputTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: outputTokens, text: undefined, reasoning: undefined },
  };
}

/**
 * The spec's usage → OpenAI's: the one place token counts are converted, for
 * model calls and agent turns, streamed or not. Undefined when the provider
 * counted nothing (the caller then charges an estimate or nothing); a missing
 * half of the count reads as 0.
 */
export function toOpenAIUsage(usage: LanguageModelV3Usage | undefined): OpenAIUsage | undefined {
  const prompt = usage?.inputTokens.total;
  const completion = usage?.outputTokens.total;
  if (prompt === undefined && completion === undefined) return undefined;
  const p = prompt ?? 0;
  const c = completion ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}
