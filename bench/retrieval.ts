/**
 * Retrieval at scale: ingest rate, BM25 / vector / hybrid latency, memory and
 * file size of the SQLite knowledge index, beside naive references measured
 * in the same run on the same data.
 *
 *   npx tsx bench/retrieval.ts [--chunks 100000,1000000] [--queries 200] [--seed 42] [--sweep]
 *
 * For each size: one agent gets every chunk (the worst case: nothing to prune
 * by agent) through the public Store interface — sources of 100 chunks,
 * 20 sources per transaction — then its vectors (chunksWithoutVectors →
 * putVectors, 5,000 per transaction). Queries (four words of a chunk, common
 * words included, and a vector near it) run after a warm-up; hybrid = both
 * searches (top 20 each) fused by reciprocal rank (k = 60) into a top 10.
 * Quality is the overlap of our top 10 with the exact reference's top 10.
 * --sweep adds the BM25 budget and vector candidate trade-off tables.
 * Target: hybrid p95 ≤ 20 ms at 1M chunks on the team's 2-core machines.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ChunkHit, ChunkInput } from "../src/spec/knowledge.js";
import { openStore } from "../src/store/open-store.js";
import { conjunctiveBudget, scoredRowBudget } from "../src/store/sqlite/sqlite-knowledge-text-search.js";
import {
  candidatesPerCell,
  maxCellSize,
  probedCells,
  rerankedCandidates,
} from "../src/store/sqlite/sqlite-knowledge-vectors.js";
import { chunksPerSource, createCorpus } from "./retrieval-corpus.js";
import { meanOverlap, mib, ms, reciprocalRankFusion, table, timeEach, timing } from "./retrieval-measure.js";
import { openReferences } from "./retrieval-references.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const sizes = option("chunks", "100000,1000000").split(",").map(Number);
const queryCount = Number(option("queries", "200"));
const seed = Number(option("seed", "42"));
const sweep = args.includes("--sweep");
const model = "synthetic-384";
const sourcesPerTransaction = 20;
const vectorsPerTransaction = 5000;
const indexOf = (hit: ChunkHit) => hit.chunk.metadata.i as number;

const results: string[][] = [];
const sweeps: string[] = [];
for (const size of sizes) results.push(...(await measure(size)));

console.log(
  `\nnpx tsx bench/retrieval.ts --chunks ${sizes.join(",")} --queries ${queryCount} --seed ${seed}${sweep ? " --sweep" : ""}`,
);
console.log(
  `node ${process.version}, ${(await import("node:os")).cpus().length} cores; BM25 budget ${scoredRowBudget} rows, all-words tier ${conjunctiveBudget}; vector cells of ≤ ${maxCellSize}, ${probedCells} probed, ${candidatesPerCell}/rank Hamming candidates each, best ${rerankedCandidates} re-ranked\n`,
);
console.log(table([["chunks", "measure", "ours", "reference", "ratio", "quality vs exact"], ...results]));
for (const text of sweeps) console.log(`\n${text}`);

async function measure(size: number): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), "alambique-bench-retrieval-"));
  const file = join(dir, "store.db");
  const corpus = createCorpus(seed);
  const store = await openStore(file);
  try {
    const tenant = await store.tenants.create({ slug: "bench", name: "Bench" });
    const agent = await store.agents.create({ tenantId: tenant.id, name: "big", spec: {} });
    const ids = { tenantId: tenant.id, agentId: agent.id };
    log(`${size} chunks: ingesting text`);
    let textMs = 0;
    for (let first = 0; first < size; first += chunksPerSource * sourcesPerTransaction) {
      const batch: { uri: string; chunks: ChunkInput[] }[] = [];
      for (
        let s = first;
        s < Math.min(size, first + chunksPerSource * sourcesPerTransaction);
        s += chunksPerSource
      ) {
        const chunks: ChunkInput[] = [];
        for (let i = s; i < Math.min(size, s + chunksPerSource); i++) {
          const { text, title } = corpus.chunk(i);
          chunks.push({ ordinal: i - s, text, title, location: `chunk ${i}`, metadata: { i } });
        }
        batch.push({ uri: `docs/${s / chunksPerSource}.md`, chunks });
      }
      const started = performance.now();
      await store.transaction(async (tx) => {
        for (const { uri, chunks } of batch) {
          await tx.knowledge.putSource({ ...ids, uri, kind: "markdown", contentHash: uri, bytes: 0, chunks });
        }
      });
      textMs += performance.now() - started;
      if ((first / (chunksPerSource * sourcesPerTransaction)) % 50 === 49)
        log(`  ${first + batch.length * chunksPerSource} chunks, ${rate(first, textMs)} chunks/s`);
    }
    const raw = new Database(file, { readonly: true });
    const indexKey = raw
      .prepare("SELECT key FROM knowledge_indexes WHERE agent_id = ?")
      .pluck()
      .get(agent.id) as number;
    raw.close();
    const references = openReferences(file, join(dir, "floats.db"), indexKey, corpus.dimension);

    log(`${size} chunks: embedding (vectors)`);
    let vectorMs = 0;
    let floatMs = 0;
    for (;;) {
      let started = performance.now();
      const pending = await store.knowledge.chunksWithoutVectors(
        tenant.id,
        agent.id,
        model,
        vectorsPerTransaction,
      );
      if (pending.length === 0) break;
      vectorMs += performance.now() - started;
      const items = pending.map((chunk) => ({
        chunkId: chunk.id,
        i: chunk.metadata.i as number,
        vector: corpus.vector(chunk.metadata.i as number),
      }));
      started = performance.now();
      await store.knowledge.putVectors(tenant.id, agent.id, model, items);
      vectorMs += performance.now() - started;
      started = performance.now();
      references.addFloats(items);
      floatMs += performance.now() - started;
    }

    log(`${size} chunks: querying`);
    const queries = Array.from({ length: queryCount }, (_, n) => corpus.query(n, size));
    const warm = queries.slice(0, 20);
    await timeEach(warm, (q) => store.knowledge.searchText(tenant.id, agent.id, q.text, 10));
    await timeEach(warm, (q) => store.knowledge.searchVector(tenant.id, agent.id, q.vector, 10));
    const bm25 = await timeEach(queries, (q) => store.knowledge.searchText(tenant.id, agent.id, q.text, 10));
    const vector = await timeEach(queries, (q) =>
      store.knowledge.searchVector(tenant.id, agent.id, q.vector, 10),
    );
    const hybrid = await timeEach(queries, async (q) => {
      const text = await store.knowledge.searchText(tenant.id, agent.id, q.text, 20);
      const near = await store.knowledge.searchVector(tenant.id, agent.id, q.vector, 20);
      return reciprocalRankFusion([text.map(indexOf), near.map(indexOf)], 10).map(({ item }) => item);
    });

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
    const p = (name: string, ours: number[], ref: number[], refName: string, quality: string) => {
      const [o, r] = [t(ours), t(ref)];
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
    return [
      row("ingest text chunks/s", rate(size, textMs), "", "", `${(textMs / 1000).toFixed(0)} s`),
      row(
        "ingest vectors/s",
        rate(size, vectorMs),
        `${rate(size, floatMs)} (float vec0)`,
        "",
        `${(vectorMs / 1000).toFixed(0)} s`,
      ),
      ...p(
        "bm25",
        bm25.ms,
        exactText.ms,
        "exact BM25",
        `top10 overlap ${bm25Quality.toFixed(2)}; source chunk in top10 ${sourceFound.toFixed(2)} (exact ${sourceFoundExact.toFixed(2)})`,
      ),
      row(
        "bm25 vs LIKE p50 ms",
        ms(t(bm25.ms).p50),
        `${ms(t(like.ms).p50)} (LIKE scan, ${like.ms.length} q)`,
        `${(t(like.ms).p50 / t(bm25.ms).p50).toFixed(0)}x faster`,
      ),
      ...p(
        "vector",
        vector.ms,
        exactVector.ms,
        "float vec0 brute force",
        `recall@10 ${vectorQuality.toFixed(2)}`,
      ),
      ...p(
        "hybrid",
        hybrid.ms,
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
    if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

async function sweepTradeoffs(
  size: number,
  references: ReturnType<typeof openReferences>,
  queries: ReturnType<ReturnType<typeof createCorpus>["query"]>[],
  exactText: number[][],
  exactVector: number[][],
): Promise<string> {
  const rows = [["chunks", "setting", "p50 ms", "p95 ms", "top10 overlap with exact"]];
  for (const budget of [4_000, 8_000, 16_000]) {
    for (const conjunctive of [0, 30_000, 60_000, 120_000]) {
      const search = references.textSearch({ budget, conjunctive });
      const run = await timeEach(queries, (q) => search(q.text, 10));
      const { p50, p95 } = timing(run.ms);
      const found = run.results.filter((list, q) => list.includes(queries[q]!.from)).length / queries.length;
      rows.push([
        String(size),
        `bm25 budget ${budget}, all-words tier ${conjunctive}`,
        ms(p50),
        ms(p95),
        `${meanOverlap(run.results, exactText).toFixed(3)} (source chunk ${found.toFixed(2)})`,
      ]);
    }
  }
  for (const [cells, perCell] of [
    [4, 256],
    [8, 128],
    [8, 256],
    [16, 256],
    [16, 384],
  ] as const) {
    const search = references.cellSearch(cells, perCell);
    const run = await timeEach(queries, (q) => search(q.vector, 10));
    const { p50, p95 } = timing(run.ms);
    rows.push([
      String(size),
      `vector ${cells} cells, ${perCell}/rank`,
      ms(p50),
      ms(p95),
      meanOverlap(run.results, exactVector).toFixed(3),
    ]);
  }
  return table(rows);
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
