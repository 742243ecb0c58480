import type { Admission } from "../limits/admit-generation.js";
import type { ServerMetrics } from "../ops/server-metrics.js";
import type { OpenAIUsage } from "./openai-usage.js";

/**
 * Counts what a response used: against the tenant's daily budget, in place
 * of what its admission reserved, and in the metrics, under the model name
 * the request used. A response whose provider counted nothing counts as
 * nothing (and gives its reservation back).
 */
export function recordUsage(
  deps: { metrics: ServerMetrics },
  admission: Pick<Admission, "charge">,
  model: string,
  usage: OpenAIUsage | undefined,
): void {
  admission.charge(usage?.total_tokens ?? 0);
  if (usage === undefined) return;
  deps.metrics.addTokens(model, usage.prompt_tokens, usage.completion_tokens);
}
