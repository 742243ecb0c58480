import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentRecord, Store, Tenant } from "../spec/store.js";
import { createRetriever } from "./create-retriever.js";
import { retrievalCases } from "./demo-retrieval.fixture.js";
import { type IngestReport, ingestSources } from "./ingest-sources.js";
import { storeWithAgent } from "./knowledge-test.fixture.js";

/**
 * The retrieval evaluation of the demo bakery: every question of
 * `demo-retrieval.fixture.ts` is searched in BM25 mode (the embedded default
 * without an embedding model) and counts as answered when one of the top 3
 * hits comes from a file that answers it. The bar is 90%; misses are printed.
 */
const demo = join(import.meta.dirname, "../../data/demo");
const bar = 0.9;
let store: Store;
let tenant: Tenant;
let agent: AgentRecord;
let report: IngestReport;
let ingestMs: number;

beforeAll(async () => {
  ({ store, tenant, agent } = await storeWithAgent());
  const started = performance.now();
  report = await ingestSources({
    store,
    tenantId: tenant.id,
    agentId: agent.id,
    paths: ["knowledge"],
    baseDir: demo,
  });
  ingestMs = performance.now() - started;
});
afterAll(async () => {
  await store?.close();
});

describe("the demo bakery's knowledge", () => {
  it("ingests every document, none skipped", () => {
    expect(report.skipped).toEqual([]);
    expect(report.added).toHaveLength(8);
    expect(report.chunks).toBeGreaterThan(100);
    console.log(
      `demo ingest: ${report.added.length} files, ${report.chunks} chunks, ${report.bytes} bytes in ${ingestMs.toFixed(0)} ms`,
    );
  });

  it(`answers at least ${bar * 100}% of customer questions from the right source in the top 3 (BM25)`, async () => {
    const retriever = createRetriever({ store });
    const misses: string[] = [];
    let sourceHits = 0;
    let located = 0;
    let locationHits = 0;
    for (const { query, sources, location } of retrievalCases) {
      const hits = await retriever.search({
        tenantId: tenant.id,
        agentId: agent.id,
        query,
        limit: 3,
        mode: "bm25",
      });
      const found = hits.map((h) => `${h.source.uri.replace("knowledge/", "")} @ ${h.chunk.location}`);
      const sourceOk = hits.some((h) => sources.some((s) => h.source.uri === `knowledge/${s}`));
      const locationOk = location === undefined || hits.some((h) => h.chunk.location === location);
      if (sourceOk) sourceHits++;
      if (location !== undefined) {
        located++;
        if (locationOk) locationHits++;
      }
      if (!sourceOk || !locationOk) {
        const what = sourceOk ? `location ${location}` : `source ${sources.join(" or ")}`;
        misses.push(`  "${query}": expected ${what}; got ${found.join(" | ") || "nothing"}`);
      }
    }
    const rate = sourceHits / retrievalCases.length;
    console.log(
      `demo retrieval: source in top 3 for ${sourceHits}/${retrievalCases.length} (${(rate * 100).toFixed(1)}%), ` +
        `labelled location in top 3 for ${locationHits}/${located}\n${misses.join("\n")}`,
    );
    expect(retrievalCases.length).toBeGreaterThanOrEqual(40);
    expect(rate).toBeGreaterThanOrEqual(bar);
  });
});
