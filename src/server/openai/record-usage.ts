import type { ServerLimits } from "../limits/server-limits.js";
import type { ServerMetrics } from "../ops/server-metrics.js";
import type { OpenAIUsage } from "./map-chat-response.js";

/**
 * Counts what a response used: against the tenant's daily budget and in the
 * metrics, under the model name the request used. A response whose provider
 * counted nothing counts as nothing.
 */
export function recordUsage(
  deps: { limits: ServerLimits; metrics: ServerMetrics },
  tenantId: string,
  model: string,
  usage: OpenAIUsage | undefined,
): void {
  if (usage === undefined) return;
  deps.limits.budget.spend(tenantId, usage.total_tokens);
  deps.metrics.addTokens(model, usage.prompt_tokens, usage.completion_tokens);
}
