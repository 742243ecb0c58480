/**
 * The answer-level evaluation: what a customer reads, with no model. For each
 * business (the demo bakery and three written for this: a bike shop, a dental
 * clinic, a town hall's citizen desk), every case is played through the real
 * turn (AgentRuntime → runAgentTurn, real SQLite store, real ingestion), and
 * the share of answers with the expected fact, the right first source and the
 * right handoff decision is printed per business and language.
 *
 *   npx tsx bench/answers.ts [--failures]
 *
 * `--failures` also prints each case that missed, with what was answered.
 * `heldOut` rows are cases written after the fixes and never tuned on.
 * The bar (test/answers/answers.test.ts): ≥ 95 % right facts on each business.
 */

import { evaluateBusiness, summarise } from "../test/answers/answer-eval.js";
import { businesses } from "../test/answers/businesses.js";

const showFailures = process.argv.includes("--failures");
const pct = (x: number) => `${(x * 100).toFixed(0)} %`.padStart(6);
console.log("business                  trade                    lang     cases   facts  source  handoff");
for (const business of businesses) {
  const results = await evaluateBusiness(business);
  const shares = summarise(results);
  for (const lang of ["es", "en", "all", "heldOut"] as const) {
    const s = shares[lang];
    console.log(
      `${business.name.padEnd(25)} ${business.trade.padEnd(24)} ${lang.padEnd(7)} ${String(s.cases).padStart(6)} ${pct(s.facts)} ${pct(s.sources)} ${pct(s.handoffs)}`,
    );
  }
  if (showFailures) {
    for (const r of results.filter((x) => !x.fact || !x.source || !x.handoff)) {
      const what = [!r.fact && "fact", !r.source && "source", !r.handoff && "handoff"]
        .filter(Boolean)
        .join(",");
      const before = r.case.before?.length ? `${r.case.before.join(" / ")} → ` : "";
      console.log(
        `  ✗ [${what}] ${before}${r.case.ask}\n    (${r.mode}, ${r.cited ?? "no source"}) ${r.text.replace(/\n/g, "\n    ")}`,
      );
    }
  }
}
