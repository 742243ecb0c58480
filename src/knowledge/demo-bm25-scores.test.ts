/**
 * The demo bakery's 74 customer questions, searched as the retriever searches
 * them (`planSearchWords`), give the same hits with the same BM25 scores, to
 * the bit, whether bm25() ranks them in FTS5 or the cached scorer does
 * (src/store/sqlite/bm25-scorer.ts), cold and from its caches; and the
 * scorer really answers them (none is left to FTS5).
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../spec/store.js";
import { createBm25Scorer } from "../store/sqlite/bm25-scorer.js";
import { chunkKeyRange } from "../store/sqlite/chunk-keys.js";
import { searchTerms } from "../store/sqlite/fts5-query.js";
import { createTextSearch } from "../store/sqlite/sqlite-knowledge-text-search.js";
import { retrievalCases } from "./demo-retrieval.fixture.js";
import { ingestSources } from "./ingest-sources.js";
import { storeWithAgent } from "./knowledge-test.fixture.js";
import { planQuery, planSearchWords } from "./query-plan.js";

let store: Store;
let db: Database.Database;

beforeAll(async () => {
  const seeded = await storeWithAgent();
  store = seeded.store;
  await ingestSources({
    store,
    tenantId: seeded.tenant.id,
    agentId: seeded.agent.id,
    paths: ["knowledge"],
    baseDir: join(import.meta.dirname, "../../data/demo"),
  });
  db = new Database(join(seeded.dir, "alambique.db"), { readonly: true });
});
afterAll(async () => {
  db?.close();
  await store?.close();
});

describe("the demo's questions, BM25 by the cached scorer", () => {
  it("finds the same chunks with the same scores as FTS5's bm25(), twice", () => {
    const { key, used } = db.prepare("SELECT key, next_chunk AS used FROM knowledge_indexes").get() as {
      key: number;
      used: number;
    };
    const queries = retrievalCases.map(({ query }) =>
      planSearchWords(planQuery(query, 32)).slice(0, 32).join(" "),
    );
    expect(queries).toHaveLength(74);
    const cached = createTextSearch(db);
    const fts5 = createTextSearch(db, { scoring: "fts5" });
    const scorer = createBm25Scorer(db)!;
    for (const pass of [1, 2]) {
      for (const query of queries) {
        for (const limit of [40, 64]) {
          const ours = cached(key, used, query, limit);
          // JSON prints a number's shortest round-trip form: equal text, equal bits.
          expect(JSON.stringify(ours), `pass ${pass}: ${query}`).toBe(
            JSON.stringify(fts5(key, used, query, limit)),
          );
        }
        expect(
          scorer.rank(key, chunkKeyRange(key).first, used, searchTerms(query), "or", 40),
          query,
        ).toBeDefined();
      }
    }
  });
});
