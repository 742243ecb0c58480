/**
 * The knowledge search of a retrieval-mode turn alone, CPU per search: the
 * store's BM25 search ranked by the cached scorer against the same search
 * ranked by FTS5's bm25() (src/store/sqlite/bm25-scorer.ts), side by side in
 * one process, in alternating batches; and the whole retriever
 * (`createRetriever(...).search`, BM25 mode, limit 5, as a turn asks it).
 *
 *   npx tsx bench/agent-turns-search.ts [--batches 12] [--passes 5]
 *
 * Input: the demo bakery's knowledge (data/demo, 117 chunks) and its 74
 * customer questions, each searched as the retriever searches it. A batch is
 * `--passes` passes over the 74 questions; the ratio printed is the median of
 * the per-pair ratios (cached batch / FTS5 batch next to it). To compare the
 * retriever with another build, run this in each tree, alternating, and pair
 * the `retriever` lines.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { createRetriever } from "../src/knowledge/create-retriever.js";
import { retrievalCases } from "../src/knowledge/demo-retrieval.fixture.js";
import { ingestSources } from "../src/knowledge/ingest-sources.js";
import { storeWithAgent } from "../src/knowledge/knowledge-test.fixture.js";
import { planQuery, planSearchWords } from "../src/knowledge/query-plan.js";
import { createTextSearch } from "../src/store/sqlite/sqlite-knowledge-text-search.js";
import { loadAverage } from "./lib/spread.js";

const { values: args } = parseArgs({
  options: { batches: { type: "string", default: "12" }, passes: { type: "string", default: "5" } },
});
const batches = Number(args.batches);
const passes = Number(args.passes);

const { store, tenant, agent, dir } = await storeWithAgent();
await ingestSources({
  store,
  tenantId: tenant.id,
  agentId: agent.id,
  paths: ["knowledge"],
  baseDir: join(import.meta.dirname, "../data/demo"),
});
const db = new Database(join(dir, "alambique.db"), { readonly: true });
const { key, used } = db.prepare("SELECT key, next_chunk AS used FROM knowledge_indexes").get() as {
  key: number;
  used: number;
};
const queries = retrievalCases.map(({ query }) =>
  planSearchWords(planQuery(query, 32)).slice(0, 32).join(" "),
);
const sides = { cached: createTextSearch(db), fts5: createTextSearch(db, { scoring: "fts5" }) };
const retriever = createRetriever({ store });

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** CPU ms per search over one batch. */
const batch = async (search: (query: string, n: number) => unknown): Promise<number> => {
  const started = cpuMs();
  for (let pass = 0; pass < passes; pass++)
    for (let n = 0; n < queries.length; n++) await search(queries[n]!, n);
  return (cpuMs() - started) / (passes * queries.length);
};
const textSearch = (side: keyof typeof sides) => (query: string) => sides[side](key, used, query, 40);
const retrieve = (_: string, n: number) =>
  retriever.search({
    tenantId: tenant.id,
    agentId: agent.id,
    query: retrievalCases[n]!.query,
    limit: 5,
    mode: "bm25",
  });

// Warm-up: the caches filled, the JIT settled.
await batch(textSearch("cached"));
await batch(textSearch("fts5"));
await batch(retrieve);
const load = loadAverage();
const cached: number[] = [];
const fts5: number[] = [];
const retrieverMs: number[] = [];
for (let b = 0; b < batches; b++) {
  const order = b % 2 === 0 ? (["cached", "fts5"] as const) : (["fts5", "cached"] as const);
  for (const side of order) (side === "cached" ? cached : fts5).push(await batch(textSearch(side)));
  retrieverMs.push(await batch(retrieve));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ratios = cached.map((ms, i) => ms / fts5[i]!);
const range = (values: number[], digits = 3) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
console.log(
  `load average ${load} → ${loadAverage()}; ${batches} batches × ${passes} passes × ${queries.length} questions`,
);
console.log(`text search, cached scorer: ${range(cached)} ms CPU a search`);
console.log(`text search, FTS5 bm25():   ${range(fts5)} ms CPU a search`);
console.log(`paired ratio cached / FTS5: ${range(ratios, 2)}`);
console.log(`retriever (limit 5, bm25):  ${range(retrieverMs)} ms CPU a search`);
db.close();
await store.close();
