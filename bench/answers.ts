/**
 * The answer-level evaluation: what a customer reads. For each business (the
 * demo bakery and three written for this: a bike shop, a dental clinic, a
 * town hall's citizen desk), every case is played through the real turn
 * (AgentRuntime → runAgentTurn, real SQLite store, real ingestion), and the
 * share of answers with the expected fact, the right first source and the
 * right handoff decision is printed per business, retrieval mode and language.
 *
 *   npx tsx bench/answers.ts [--failures] [--embedding-model FILE.gguf] [--lexical-only]
 *
 * Modes: `lexical` (no embedding model) and `hybrid` (vector + full-text
 * search, the knowledge embedded with `--embedding-model`; by default a forged
 * random-weight GGUF, whose vectors are random: it shows that the fusion does
 * not let random neighbours override the words, not what a real embedder
 * adds; pass a real one, e.g. multilingual-e5-small, to measure that). The
 * `≠ lexical` column counts hybrid answers whose text differs from the
 * lexical mode's. `--failures` prints each case that missed, with what was
 * answered. `heldOut` rows are cases written after the fixes and never tuned
 * on. The bar (test/answers/answers.test.ts): ≥ 95 % right facts on each
 * business, and hybrid no worse than lexical.
 */
import { parseArgs } from "node:util";
import { forgedModelPath } from "../src/models/forge/forged-model.fixture.js";
import {
  type CaseResult,
  evaluateBusiness,
  type RetrievalMode,
  summarise,
} from "../test/answers/answer-eval.js";
import { businesses } from "../test/answers/businesses.js";

const { values: args } = parseArgs({
  options: {
    failures: { type: "boolean", default: false },
    "embedding-model": { type: "string" },
    "lexical-only": { type: "boolean", default: false },
  },
});
const embeddingModel = args["embedding-model"] ?? (await forgedModelPath("tiny", 1));
const modes: [string, RetrievalMode][] = [["lexical", { kind: "lexical" }]];
if (!args["lexical-only"]) modes.push(["hybrid", { kind: "hybrid", embeddingModel }]);
if (!args["lexical-only"]) {
  console.log(`hybrid: ${args["embedding-model"] ?? `forged random-weight model (${embeddingModel})`}`);
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`.padStart(6);
console.log(
  "business                  trade                    mode     lang     cases   facts  source  handoff  ≠ lexical",
);
for (const business of businesses) {
  let lexical: CaseResult[] = [];
  for (const [name, mode] of modes) {
    const results = await evaluateBusiness(business, mode);
    if (mode.kind === "lexical") lexical = results;
    const differing = results.filter((r, i) => r.text !== lexical[i]?.text);
    const shares = summarise(results);
    for (const lang of ["es", "en", "all", "heldOut"] as const) {
      const s = shares[lang];
      const changed =
        mode.kind === "lexical"
          ? ""
          : String(
              differing.filter((r) =>
                lang === "heldOut"
                  ? r.case.heldOut
                  : !r.case.heldOut && (lang === "all" || r.case.lang === lang),
              ).length,
            );
      console.log(
        `${business.name.padEnd(25)} ${business.trade.padEnd(24)} ${name.padEnd(8)} ${lang.padEnd(7)} ${String(s.cases).padStart(6)} ${pct(s.facts)} ${pct(s.sources)} ${pct(s.handoffs)} ${changed.padStart(10)}`,
      );
    }
    if (args.failures) {
      for (const r of results.filter((x) => !x.fact || !x.source || !x.handoff)) {
        const what = [!r.fact && "fact", !r.source && "source", !r.handoff && "handoff"]
          .filter(Boolean)
          .join(",");
        const before = r.case.before?.length ? `${r.case.before.join(" / ")} → ` : "";
        console.log(
          `  ✗ ${name} [${what}] ${before}${r.case.ask}\n    (${r.mode}, ${r.cited ?? "no source"}) ${r.text.replace(/\n/g, "\n    ")}`,
        );
      }
    }
  }
}
console.log(
  `\nreproduce: npx tsx bench/answers.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`,
);
process.exit(0);
