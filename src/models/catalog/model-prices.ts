/**
 * What tokens cost at a catalog model's prices: the one reading of the
 * `pricePerMillionInput` / `pricePerMillionOutput` metadata that
 * `models add --price-input/--price-output` writes (see `describeModel`),
 * shared by the synthetic-data report, the scorecard and `/api/usage`.
 */
import type { ModelRecord, TokenCounts } from "../../spec/store.js";

/** Prices per million tokens, in the catalog's currency (US dollars by convention). */
export interface ModelPrices {
  input: number;
  output: number;
}

/** The model's prices; null when it has none, only one of the two, or there is no model. */
export function pricesOf(model: Pick<ModelRecord, "metadata"> | null | undefined): ModelPrices | null {
  const input = model?.metadata.pricePerMillionInput;
  const output = model?.metadata.pricePerMillionOutput;
  return typeof input === "number" && typeof output === "number" ? { input, output } : null;
}

/** What `tokens` cost at `prices` (a model's, or `pricesOf`'s answer); null without prices. */
export function priced(
  tokens: TokenCounts,
  prices: Pick<ModelRecord, "metadata"> | ModelPrices | null | undefined,
): number | null {
  const known = prices && "metadata" in prices ? pricesOf(prices) : (prices ?? null);
  if (known === null) return null;
  return (tokens.inputTokens * known.input + tokens.outputTokens * known.output) / 1_000_000;
}
