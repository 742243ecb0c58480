/**
 * Retrieval at scale: ingest rate, BM25 / vector / hybrid latency, memory and
 * file size of the SQLite knowledge index, beside naive references measured
 * in the same run on the same data.
 *
 *   npx tsx bench/retrieval.ts [--chunks 100000,1000000] [--queries 200] [--rounds 3] [--seed 42]
 *                              [--sweep] [--keep | --reuse DIR]
 *
 * For each size: one agent gets every chunk (the worst case: nothing to prune
 * by agent) through the public Store interface (retrieval-ingest.ts). Queries
 * (four words of a chunk, common words included, and a vector near it) run
 * after a warm-up, in `--rounds` interleaved rounds; latencies are the median
 * over rounds of each round's p50 and p95, because the team's 2-core machines
 * are shared and a burst of other work otherwise decides a single p95 (the
 * load average is printed). Hybrid = both searches (top 20 each) fused by
 * reciprocal rank (k = 60) into a top 10. Quality is the overlap of our top
 * 10 with the exact reference's, and how often the chunk a query was drawn
 * from is in the top 10. --sweep adds the trade-off tables of the text and
 * vector settings. --reuse DIR keeps each size's store in DIR/<size> and, when
 * it is there already, measures it without ingesting again.
 * Target: hybrid p95 ≤ 20 ms at 1M chunks on the team's 2-core machines.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ChunkHit } from "../src/spec/knowledge.js";
import { openStore } from "../src/store/open-store.js";
import { conjunctiveBudget, scoredRowBudget } from "../src/store/sqlite/sqlite-knowledge-text-search.js";
import {
  candidatesPerCell,
  maxCellSize,
  probedCells,
  rerankedCandidates,
} from "../src/store/sqlite/sqlite-knowledge-vectors.js";
import { createCorpus } from "./retrieval-corpus.js";
import { type IngestTimes, ingest } from "./retrieval-ingest.js";
import {
  meanOverlap,
  medianTiming,
  mib,
  ms,
  reciprocalRankFusion,
  type Timed,
  table,
  timeEach,
  timing,
} from "./retrieval-measure.js";
import { openReferences } from "./retrieval-references.js";
import { sweepTradeoffs } from "./retrieval-sweep.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const sizes = option("chunks", "100000,1000000").split(",").map(Number);
const queryCount = Number(option("queries", "200"));
const seed = Number(option("seed", "42"));
const sweep = args.includes("--sweep");
const rounds = Number(option("rounds", "3"));
const model = "synthetic-384";
const indexOf = (hit: ChunkHit) => hit.chunk.metadata.i as number;

const results: string[][] = [];
const sweeps: string[] = [];
for (const size of sizes) results.push(...(await measure(size)));

console.log(
  `\nnpx tsx bench/retrieval.ts --chunks ${sizes.join(",")} --queries ${queryCount} --rounds ${rounds} --seed ${seed}${sweep ? " --sweep" : ""}`,
);
console.log(
  `node ${process.version}, ${(await import("node:os")).cpus().length} cores; BM25 budget ${scoredRowBudget} rows, all-words tier ${conjunctiveBudget}; vector cells of ≤ ${maxCellSize}, ${probedCells} probed, ${candidatesPerCell}/rank Hamming candidates each, best ${rerankedCandidates} re-ranked\n`,
);
console.log(table([["chunks", "measure", "ours", "reference", "ratio", "quality vs exact"], ...results]));
for (const text of sweeps) console.log(`\n${text}`);

async function measure(size: number): Promise<string[][]> {
  // --reuse DIR keeps each size's store in DIR/<size> and measures an existing one without ingesting again.
  const reuse = option("reuse", "");
  const dir = reuse ? join(reuse, String(size)) : mkdtempSync(join(tmpdir(), "alambique-bench-retrieval-"));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "store.db");
  const reused = existsSync(file);
  const corpus = createCorpus(seed);
  const store = await openStore(file);
  try {
    const tenant = reused
      ? (await store.tenants.getBySlug("bench"))!
      : await store.tenants.create({ slug: "bench", name: "Bench" });
    const agent = reused
      ? (await store.agents.getByName(tenant.id, "big"))!
      : await store.agents.create({ tenantId: tenant.id, name: "big", spec: {} });
    const ids = { tenantId: tenant.id, agentId: agent.id };
    const raw = new Database(file, { readonly: true });
    const indexKey = raw
      .prepare("SELECT key FROM knowledge_indexes WHERE agent_id = ?")
      .pluck()
      .get(agent.id);
    raw.close();
    const references = openReferences(
      file,
      join(dir, "floats.db"),
      (indexKey as number) ?? 1,
      corpus.dimension,
    );
    let times: IngestTimes | undefined;
    if (!reused) {
      log(`${size} chunks: ingesting text`);
      times = await ingest(store, ids, corpus, size, model, references.addFloats, log);
    }

    log(`${size} chunks: querying, ${rounds} rounds`);
    const queries = Array.from({ length: queryCount }, (_, n) => corpus.query(n, size));
    for (const q of queries.slice(0, 20)) {
      await store.knowledge.searchText(tenant.id, agent.id, q.text, 20);
      await store.knowledge.searchVector(tenant.id, agent.id, q.vector, 20);
    }
    const loadBefore = loadavg()[0]!;
    const runs: { bm25: Timed<ChunkHit[]>; vector: Timed<ChunkHit[]>; hybrid: Timed<number[]> }[] = [];
    // Rounds interleave the three kinds, so a burst of load elsewhere on the machine hits them alike.
    for (let round = 0; round < rounds; round++) {
      const bm25 = await timeEach(queries, (q) =>
        store.knowledge.searchText(tenant.id, agent.id, q.text, 10),
      );
      const vector = await timeEach(queries, (q) =>
        store.knowledge.searchVector(tenant.id, agent.id, q.vector, 10),
      );
      const hybrid = await timeEach(queries, async (q) => {
        const text = await store.knowledge.searchText(tenant.id, agent.id, q.text, 20);
        const near = await store.knowledge.searchVector(tenant.id, agent.id, q.vector, 20);
        return reciprocalRankFusion([text.map(indexOf), near.map(indexOf)], 10).map(({ item }) => item);
      });
      runs.push({ bm25, vector, hybrid });
    }
    const loadAfter = loadavg()[0]!;
    const { bm25, vector, hybrid } = runs[0]!;
    const roundsOf = (kind: "bm25" | "vector" | "hybrid") => runs.map((run) => run[kind].ms);

    log(`${size} chunks: references`);
    // The exact references are slow at 1M: a subset of the same queries.
    const referenceQueries = queries.slice(0, size >= 1_000_000 ? 50 : 100);
    const likeQueries = queries.slice(0, size >= 1_000_000 ? 5 : 20);
    const exactText = await timeEach(referenceQueries, (q) => references.exactBm25(q.text, 10));
    const exactVector = await timeEach(referenceQueries, (q) => references.exactVector(q.vector, 10));
    const like = await timeEach(likeQueries, (q) => references.like(q.text));
    const exactHybrid = await timeEach(referenceQueries, (q) =>
      reciprocalRankFusion([references.exactBm25(q.text, 20), references.exactVector(q.vector, 20)], 10).map(
        ({ item }) => item,
      ),
    );
    const n = referenceQueries.length;
    const bm25Quality = meanOverlap(
      bm25.results.slice(0, n).map((hits) => hits.map(indexOf)),
      exactText.results,
    );
    const vectorQuality = meanOverlap(
      vector.results.slice(0, n).map((hits) => hits.map(indexOf)),
      exactVector.results,
    );
    const hybridQuality = meanOverlap(hybrid.results.slice(0, n), exactHybrid.results);
    // Relevance without trusting exact BM25 as the truth: is the chunk the query was drawn from in the top 10?
    const found = (lists: readonly (readonly number[])[]) =>
      lists.filter((list, q) => list.includes(queries[q]!.from)).length / lists.length;
    const sourceFound = found(bm25.results.slice(0, n).map((hits) => hits.map(indexOf)));
    const sourceFoundExact = found(exactText.results);
    const hybridFound = found(hybrid.results.slice(0, n));
    const hybridFoundExact = found(exactHybrid.results);
    if (sweep)
      sweeps.push(
        await sweepTradeoffs(size, references, referenceQueries, exactText.results, exactVector.results),
      );

    const cells = references.cells();
    const rss = process.memoryUsage().rss;
    const dbBytes = fileBytes(file) + fileBytes(`${file}-wal`);
    const floatBytes = references.floatFileBytes();
    references.close();
    const t = (times: number[]) => timing(times);
    const row = (measureName: string, ours: string, reference: string, ratio: string, quality = "") => [
      String(size),
      measureName,
      ours,
      reference,
      ratio,
      quality,
    ];
    const p = (name: string, ours: number[][], ref: number[], refName: string, quality: string) => {
      const [o, r] = [medianTiming(ours), t(ref)];
      return [
        row(
          `${name} p50 ms`,
          ms(o.p50),
          `${ms(r.p50)} (${refName})`,
          `${(r.p50 / o.p50).toFixed(0)}x faster`,
          quality,
        ),
        row(
          `${name} p95 ms`,
          ms(o.p95),
          `${ms(r.p95)} (${refName})`,
          `${(r.p95 / o.p95).toFixed(0)}x faster`,
        ),
      ];
    };
    const ingestRows = times
      ? [
          row(
            "ingest text chunks/s",
            rate(size, times.textMs),
            "",
            "",
            `${(times.textMs / 1000).toFixed(0)} s`,
          ),
          row(
            "ingest vectors/s",
            rate(size, times.vectorMs),
            `${rate(size, times.floatMs)} (float vec0)`,
            "",
            `${(times.vectorMs / 1000).toFixed(0)} s`,
          ),
        ]
      : [row("ingest", `reused ${dir}`, "", "", "see the run that built it")];
    return [
      ...ingestRows,
      row(
        "load average while querying",
        `${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}`,
        "",
        "",
        "other work on the machine",
      ),
      ...p(
        "bm25",
        roundsOf("bm25"),
        exactText.ms,
        "exact BM25",
        `top10 overlap ${bm25Quality.toFixed(2)}; source chunk in top10 ${sourceFound.toFixed(2)} (exact ${sourceFoundExact.toFixed(2)})`,
      ),
      row(
        "bm25 vs LIKE p50 ms",
        ms(medianTiming(roundsOf("bm25")).p50),
        `${ms(t(like.ms).p50)} (LIKE scan, ${like.ms.length} q)`,
        `${(t(like.ms).p50 / medianTiming(roundsOf("bm25")).p50).toFixed(0)}x faster`,
      ),
      ...p(
        "vector",
        roundsOf("vector"),
        exactVector.ms,
        "float vec0 brute force",
        `recall@10 ${vectorQuality.toFixed(2)}`,
      ),
      ...p(
        "hybrid",
        roundsOf("hybrid"),
        exactHybrid.ms,
        "exact BM25 + float KNN",
        `top10 overlap ${hybridQuality.toFixed(2)}; source chunk in top10 ${hybridFound.toFixed(2)} (exact ${hybridFoundExact.toFixed(2)})`,
      ),
      row(
        "vector cells",
        String(cells.count),
        "",
        "",
        `mean ${cells.mean.toFixed(0)}, max ${cells.max} vectors`,
      ),
      row("db file", mib(dbBytes), `${mib(floatBytes)} (float vec0 alone)`, ""),
      row("rss (peak)", `${mib(rss)} (${mib(process.resourceUsage().maxRSS * 1024)})`, "", ""),
    ];
  } finally {
    await store.close();
    if (!args.includes("--keep") && !reuse) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

function rate(count: number, milliseconds: number): string {
  return Math.round(count / (milliseconds / 1000)).toLocaleString("en");
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
