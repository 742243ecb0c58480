import { describe, expect, it } from "vitest";
import { evaluateBusiness, summarise } from "./answer-eval.js";
import { businesses } from "./businesses.js";

/**
 * The bar of issue 13: with no model, at least 95 % of the answers a customer
 * reads contain the expected fact, on each business. bench/answers.ts prints
 * the same evaluation as a table, per language, with sources and handoffs.
 */
describe("answers a customer reads, with no model", () => {
  it.each(businesses.map((b) => [b.name, b] as const))(
    "%s: ≥ 95 % right facts, right handoff decisions",
    async (_name, business) => {
      const results = await evaluateBusiness(business);
      const shares = summarise(results).all;
      const missed = results
        .filter((r) => !r.fact || !r.handoff)
        .map((r) => `${[...(r.case.before ?? []), r.case.ask].join(" → ")} ⇒ (${r.mode}) ${r.text}`);
      expect(shares.facts, missed.join("\n\n")).toBeGreaterThanOrEqual(0.95);
      expect(shares.handoffs, missed.join("\n\n")).toBeGreaterThanOrEqual(0.95);
      expect(shares.sources).toBeGreaterThanOrEqual(0.9);
    },
    60_000,
  );
});
