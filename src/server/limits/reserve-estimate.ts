/**
 * What a generation is assumed to use when it is admitted, before anything
 * is known of its real usage (see `TokenBudget.reserve`). Estimates, not
 * bounds: a request is always charged what it really used.
 */

/** Tokens reserved for a completion's output when the request sets no `max_tokens`. */
export const DEFAULT_COMPLETION_RESERVE = 1024;

/**
 * Tokens reserved for an agent's turn beyond the customer's message: its
 * instructions, the passages retrieved and the history it is given, and its
 * answer. The real prompt is assembled inside the turn, after admission.
 */
export const AGENT_TURN_RESERVE = 2048;

/** About four characters a token, the rule of thumb for the languages served. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
