import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../spec/json.js";
import { priced, pricesOf } from "./model-prices.js";

const tokens = { inputTokens: 3000, outputTokens: 300 };

describe("pricesOf and priced", () => {
  it("read both prices per million tokens and cost tokens at them", () => {
    const model = { metadata: { pricePerMillionInput: 2, pricePerMillionOutput: 10 } };
    expect(pricesOf(model)).toEqual({ input: 2, output: 10 });
    expect(priced(tokens, model)).toBe((3000 * 2 + 300 * 10) / 1e6);
    expect(priced(tokens, { input: 2, output: 10 })).toBe(priced(tokens, model));
    // Free is a price.
    expect(priced(tokens, { metadata: { pricePerMillionInput: 0, pricePerMillionOutput: 0 } })).toBe(0);
  });

  it("know no price without both numbers, or without a model", () => {
    const partial: Record<string, JsonValue>[] = [
      {},
      { pricePerMillionInput: 2 },
      { pricePerMillionInput: 2, pricePerMillionOutput: "10" },
    ];
    for (const metadata of partial) {
      expect(pricesOf({ metadata })).toBeNull();
      expect(priced(tokens, { metadata })).toBeNull();
    }
    expect(pricesOf(null)).toBeNull();
    expect(priced(tokens, undefined)).toBeNull();
    expect(priced(tokens, null)).toBeNull();
  });
});
