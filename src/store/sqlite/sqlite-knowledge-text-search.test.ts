/**
 * The bounded-work paths of the BM25 search, at a scale where they can be
 * seen: budgets far below the corpus so that common words are left out, the
 * all-words tier, and the unranked fallback.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import { createSqliteAgents } from "./sqlite-agents.js";
import { createSqliteKnowledge } from "./sqlite-knowledge.js";
import { createTextSearch } from "./sqlite-knowledge-text-search.js";
import { createSqliteTenants } from "./sqlite-tenants.js";
import { TermFrequencyCache } from "./term-frequency-cache.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-text-search-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 200 chunks: every one says "de"; every 4th "pan"; every 10th "horno"; chunk 77 alone "masa". */
function seed() {
  const { db } = openSqliteDatabase(join(dir, `${Math.random().toString(36).slice(2)}.db`), {
    busyTimeoutMs: 1000,
  });
  const tenant = createSqliteTenants(db).create({ slug: "t", name: "T" });
  const agent = createSqliteAgents(db).create({ tenantId: tenant.id, name: "a", spec: {} });
  const texts = Array.from({ length: 200 }, (_, i) =>
    ["de", i % 4 === 0 ? "pan" : "", i % 10 === 0 ? "horno" : "", i === 77 ? "masa" : "", `n${i}`].join(" "),
  );
  createSqliteKnowledge(db).putSource({
    tenantId: tenant.id,
    agentId: agent.id,
    uri: "x",
    kind: "text",
    contentHash: "h",
    bytes: 1,
    chunks: texts.map((text, ordinal) => ({ ordinal, text, title: null, location: "", metadata: {} })),
  });
  const textOf = db.prepare<[number], string>("SELECT text FROM chunks WHERE key = ?").pluck();
  const indexKey = db.prepare("SELECT key FROM knowledge_indexes").pluck().get() as number;
  return { db, indexKey, textOf };
}

describe("sqlite knowledge: bounded BM25", () => {
  it("puts chunks with every informative word first, scores decreasing", () => {
    const { db, indexKey, textOf } = seed();
    try {
      const search = createTextSearch(db, { budget: 60, conjunctive: 80, unranked: 1000 });
      const hits = search(indexKey, 200, "pan horno de", 10);
      const texts = hits.map((hit) => textOf.get(hit.key)!);
      // pan (50) + horno (20) fit the all-words tier; "de" (200) is left out of it.
      expect(texts.slice(0, 5).every((text) => text.includes("pan") && text.includes("horno"))).toBe(true);
      expect(texts).toHaveLength(10);
      const scores = hits.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // Without the tier, only the rarest word fits the budget of 60: horno (20), then pan (50) does not.
      const plain = createTextSearch(db, { budget: 60, conjunctive: 0 })(indexKey, 200, "pan horno de", 30);
      expect(plain.map((hit) => textOf.get(hit.key)!).every((text) => text.includes("horno"))).toBe(true);
      expect(plain).toHaveLength(20);
    } finally {
      db.close();
    }
  });

  it("ranks the first matches of a too-common word, or returns them unranked past the threshold", () => {
    const { db, indexKey, textOf } = seed();
    try {
      const ranked = createTextSearch(db, { budget: 10, conjunctive: 0, unranked: 1000 })(
        indexKey,
        200,
        "de",
        5,
      );
      expect(ranked).toHaveLength(5);
      const unranked = createTextSearch(db, { budget: 10, conjunctive: 0, unranked: 100 })(
        indexKey,
        200,
        "de",
        5,
      );
      expect(unranked.map((hit) => hit.score)).toEqual([0, 0, 0, 0, 0]);
      expect(unranked.map((hit) => textOf.get(hit.key)!.trim().split(" ").at(-1))).toEqual([
        "n0",
        "n1",
        "n2",
        "n3",
        "n4",
      ]);
      // A rare word still wins whatever else the query says.
      const rare = createTextSearch(db, { budget: 10, conjunctive: 0, unranked: 100 })(
        indexKey,
        200,
        "de masa",
        5,
      );
      expect(rare.map((hit) => textOf.get(hit.key)!)).toEqual([expect.stringContaining("masa")]);
      expect(createTextSearch(db)(indexKey, 200, "🍞 ¿?", 5)).toEqual([]);
      expect(createTextSearch(db)(indexKey, 200, "nadie", 5)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("keeps word frequencies between searches, and never past a change to the chunks", () => {
    const { db, indexKey, textOf } = seed();
    const other = new Database(db.name);
    try {
      // Budget 60, no all-words tier: only the rarest word is searched, so a stale frequency shows.
      const search = createTextSearch(db, { budget: 60, conjunctive: 0 });
      const searched = () => search(indexKey, 200, "pan horno", 100).map((hit) => textOf.get(hit.key)!);
      expect(searched().every((text) => text.includes("horno"))).toBe(true); // horno 20, pan 50
      // Another connection makes horno common and pan rare: its commit changes data_version.
      other.exec("UPDATE chunks SET text = replace(text, 'pan', 'horno') WHERE key % 10 != 3");
      other.exec("UPDATE chunks SET text = text || ' pan' WHERE key % 20 = 3");
      const swapped = searched();
      expect(swapped).toHaveLength(10);
      expect(swapped.every((text) => text.endsWith(" pan"))).toBe(true);
      // This connection's own writes do not change data_version: the repository calls forget().
      db.exec("UPDATE chunks SET text = replace(text, 'horno', 'masa') || ' pan'");
      db.exec("UPDATE chunks SET text = text || ' horno' WHERE key % 50 = 7");
      expect(searched()).toHaveLength(100); // the kept frequencies still say pan 10: every chunk has pan now
      search.forget(indexKey);
      const fresh = searched();
      expect(fresh).toHaveLength(4);
      expect(fresh.every((text) => text.endsWith(" horno"))).toBe(true);
    } finally {
      other.close();
      db.close();
    }
  });

  it("forgets an agent's frequencies when its sources are written or removed through the repository", () => {
    const { db, indexKey } = seed();
    try {
      const knowledge = createSqliteKnowledge(db);
      const ids = db
        .prepare("SELECT tenant_id AS tenantId, agent_id AS agentId FROM knowledge_indexes")
        .get() as {
        tenantId: string;
        agentId: string;
      };
      const find = (word: string) =>
        knowledge.searchText(ids.tenantId, ids.agentId, word, 5).map((h) => h.chunk.text);
      expect(find("levadura")).toEqual([]); // kept: levadura is in no chunk
      const chunk = { ordinal: 0, title: null, location: "", metadata: {} };
      const source = knowledge.putSource({
        ...ids,
        uri: "y",
        kind: "text",
        contentHash: "h2",
        bytes: 1,
        chunks: [{ ...chunk, text: "levadura madre" }],
      });
      expect(find("levadura")).toEqual(["levadura madre"]);
      knowledge.appendChunks({
        ...ids,
        sourceId: source.id,
        chunks: [{ ...chunk, ordinal: 1, text: "más levadura" }],
      });
      expect(find("levadura")).toHaveLength(2);
      knowledge.removeSource(ids.tenantId, source.id);
      expect(find("levadura")).toEqual([]);
      expect(indexKey).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});

describe("TermFrequencyCache", () => {
  it("answers only for the index extent it was probed at, forgets by index, and keeps at most its bound", () => {
    const cache = new TermFrequencyCache(3);
    cache.checkVersion(1);
    cache.set(1, 10, "pan", 4);
    expect(cache.get(1, 10, "pan")).toBe(4);
    expect(cache.get(1, 11, "pan")).toBeUndefined(); // new chunks since
    expect(cache.get(2, 10, "pan")).toBeUndefined();
    cache.set(2, 10, "pan", 7);
    cache.forget(1);
    expect(cache.get(1, 10, "pan")).toBeUndefined();
    expect(cache.get(2, 10, "pan")).toBe(7);
    for (const word of ["a", "b", "c"]) cache.set(3, 1, word, 1);
    expect(cache.size).toBe(3);
    expect(cache.get(2, 10, "pan")).toBeUndefined(); // the least recently used went
    cache.checkVersion(1);
    expect(cache.size).toBe(3);
    cache.checkVersion(2);
    expect(cache.size).toBe(0);
  });
});
