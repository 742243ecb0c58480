/** Most tokens of the agent's answer, per model step. */
export const ANSWER_TOKENS = 512;

/** Context size assumed for a model whose catalog entry does not know it. */
export const DEFAULT_CONTEXT_TOKENS = 4096;

/** Tokens the prompt (persona, passages, history) may take in a context of `contextTokens`: what the answer leaves. */
export function promptBudgetTokens(contextTokens: number = DEFAULT_CONTEXT_TOKENS): number {
  return Math.max(512, contextTokens - ANSWER_TOKENS);
}
