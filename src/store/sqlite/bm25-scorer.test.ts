/**
 * The cached scorer against FTS5's own bm25(), row for row and bit for bit:
 * every query's full ranking (no limit that could hide a difference), OR and
 * AND, over two agents (idf and avgdl are the whole table's), with ties,
 * diacritics, case, scripts FTS5 splits differently, and after each kind of
 * write.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createBm25Scorer, type Fts5Row } from "./bm25-scorer.js";
import { chunkKeyRange } from "./chunk-keys.js";
import { fts5String, searchTerms } from "./fts5-query.js";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import { createSqliteAgents } from "./sqlite-agents.js";
import { createSqliteKnowledge } from "./sqlite-knowledge.js";
import { createTextSearch } from "./sqlite-knowledge-text-search.js";
import { createSqliteTenants } from "./sqlite-tenants.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-bm25-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const common = "de la que el en y a los del las un por con para es the of and to in is".split(" ");
const odd = [
  "Café CAFÉ cafe cafés",
  "Straße strasse STRASSE",
  "ﬁnal final FINAL",
  "東京タワー 東京 タワー",
  "مرحبا بالعالم",
  "3.5kg 3,5 kg 35",
  "l'été l’été ete",
  "foo_bar foo bar",
  "ǅemal Džemal dzemal",
  "İstanbul istanbul ıstanbul",
];

/** Zipf-ish words over a 2,000-word vocabulary, common words on top; every 50th chunk an odd one. */
function chunkText(next: () => number, i: number): { title: string | null; text: string } {
  if (i % 50 === 7) return { title: null, text: odd[Math.floor(i / 50) % odd.length]! };
  const words: string[] = [];
  const length = 8 + Math.floor(next() * 40);
  for (let w = 0; w < length; w++) {
    const r = next();
    words.push(
      r < 0.3 ? common[Math.floor(next() * common.length)]! : `w${Math.floor(1 / (next() + 0.0005))}`,
    );
  }
  return {
    title: next() < 0.3 ? `w${Math.floor(next() * 30)} w${Math.floor(next() * 30)}` : null,
    text: words.join(" "),
  };
}

function seed(): {
  db: Database;
  put: (agent: number, uri: string, texts: { title: string | null; text: string }[]) => void;
  agents: string[];
} {
  const { db } = openSqliteDatabase(join(dir, `${Math.random().toString(36).slice(2)}.db`), {
    busyTimeoutMs: 1000,
  });
  const tenant = createSqliteTenants(db).create({ slug: "t", name: "T" });
  const agents = ["a", "b"].map(
    (name) => createSqliteAgents(db).create({ tenantId: tenant.id, name, spec: {} }).id,
  );
  const knowledge = createSqliteKnowledge(db);
  const put = (agent: number, uri: string, texts: { title: string | null; text: string }[]) =>
    knowledge.putSource({
      tenantId: tenant.id,
      agentId: agents[agent]!,
      uri,
      kind: "text",
      contentHash: uri,
      bytes: 1,
      chunks: texts.map(({ title, text }, ordinal) => ({ ordinal, text, title, location: "", metadata: {} })),
    });
  return { db, put, agents };
}

function indexOf(db: Database, agentId: string): { key: number; used: number } {
  return db
    .prepare("SELECT key, next_chunk AS used FROM knowledge_indexes WHERE agent_id = ?")
    .get(agentId) as { key: number; used: number };
}

/** FTS5's ranking of `terms` within the index, every row. */
function reference(db: Database, key: number, used: number, terms: string[], join: "and" | "or"): Fts5Row[] {
  const first = chunkKeyRange(key).first;
  return db
    .prepare(
      `SELECT rowid AS key, rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid BETWEEN ? AND ?
       ORDER BY rank LIMIT 100000`,
    )
    .all(terms.map(fts5String).join(join === "and" ? " AND " : " OR "), first, first + used - 1) as Fts5Row[];
}

function queries(next: () => number, count: number): string[] {
  const out = odd.flatMap((text) => [text, text.toUpperCase()]);
  for (let q = 0; q < count; q++) {
    const words = Array.from({ length: 2 + Math.floor(next() * 20) }, () =>
      next() < 0.3 ? common[Math.floor(next() * common.length)]! : `w${Math.floor(1 / (next() + 0.0005))}`,
    );
    out.push(words.join(" "));
  }
  return out;
}

describe("bm25 scorer", () => {
  it("ranks every row exactly as FTS5's bm25() does, OR and AND, over two agents, after every kind of write", () => {
    const { db, put, agents } = seed();
    try {
      const next = random(15);
      put(
        0,
        "a1",
        Array.from({ length: 700 }, (_, i) => chunkText(next, i)),
      );
      put(
        1,
        "b1",
        Array.from({ length: 400 }, (_, i) => chunkText(next, i)),
      );
      // Ties: the same chunk five times over.
      put(
        0,
        "a2",
        Array.from({ length: 5 }, () => ({ title: "w3 w4", text: "w5 w6 de w5 w7" })),
      );
      const scorer = createBm25Scorer(db)!;
      expect(scorer).toBeDefined();
      const asked = queries(next, 80);
      let compared = 0;
      let fellBack = 0;
      const check = () => {
        const { key, used } = indexOf(db, agents[0]!);
        for (const query of asked) {
          const terms = searchTerms(query);
          for (const join of ["or", "and"] as const) {
            const ours = scorer.rank(key, chunkKeyRange(key).first, used, terms, join, 100_000);
            if (ours === undefined) {
              fellBack++;
              continue;
            }
            // JSON prints a number's shortest round-trip form: equal text, equal bits.
            expect(JSON.stringify(ours), `${join}: ${query}`).toBe(
              JSON.stringify(reference(db, key, used, terms, join)),
            );
            compared++;
          }
        }
      };
      check();
      check(); // from the kept postings
      const { key, used } = indexOf(db, agents[0]!);
      const ranks = reference(db, key, used, ["w5", "w7"], "and").map((row) => row.rank);
      expect(
        Math.max(...ranks.map((rank) => ranks.filter((other) => other === rank).length)),
      ).toBeGreaterThanOrEqual(5);
      // Another agent's source changes N, avgdl and every idf (through the repository: forget()).
      put(
        1,
        "b2",
        Array.from({ length: 200 }, (_, i) => chunkText(next, i)),
      );
      check();
      // A write that calls nothing: the averages record changed, so everything kept is dropped.
      db.exec("UPDATE chunks SET text = text || ' w2 w2 w9' WHERE key % 7 = 0");
      check();
      expect(compared).toBeGreaterThan(4 * 80 * 2 * 0.9);
      // Every query was scored here, odd scripts included: none was left to FTS5.
      expect(fellBack).toBe(0);
      // A phrase that FTS5 tokenises into other words than the index term it names is left to FTS5.
      const { key: a, used: aUsed } = indexOf(db, agents[0]!);
      for (const phrase of ["Café", "foo bar", "foo_bar"]) {
        expect(reference(db, a, aUsed, [phrase], "or").length, phrase).toBeGreaterThan(0);
        expect(
          scorer.rank(a, chunkKeyRange(a).first, aUsed, [phrase, "w3"], "or", 10),
          phrase,
        ).toBeUndefined();
      }
    } finally {
      db.close();
    }
  });

  it("gives the text search the same hits and scores as with FTS5 ranking, tiers and budgets included", () => {
    const { db, put, agents } = seed();
    try {
      const next = random(16);
      put(
        0,
        "a",
        Array.from({ length: 800 }, (_, i) => chunkText(next, i)),
      );
      put(
        1,
        "b",
        Array.from({ length: 300 }, (_, i) => chunkText(next, i)),
      );
      const { key, used } = indexOf(db, agents[0]!);
      for (const budgets of [{}, { budget: 300, conjunctive: 800, unranked: 600 }]) {
        const cached = createTextSearch(db, budgets);
        const fts5 = createTextSearch(db, { ...budgets, scoring: "fts5" });
        for (const query of queries(next, 60)) {
          for (const limit of [5, 40]) {
            expect(JSON.stringify(cached(key, used, query, limit)), query).toBe(
              JSON.stringify(fts5(key, used, query, limit)),
            );
          }
        }
      }
    } finally {
      db.close();
    }
  });

  it("turns itself off when its first rankings are not FTS5's to the bit", () => {
    const { db, put, agents } = seed();
    try {
      const next = random(17);
      put(
        0,
        "a",
        Array.from({ length: 300 }, (_, i) => chunkText(next, i)),
      );
      const { key, used } = indexOf(db, agents[0]!);
      const cached = createTextSearch(db);
      const stale = createBm25Scorer(db)!;
      // Both read bm25(2.0, 1.0) when they were made; FTS5 now weighs titles 5 times.
      db.exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)')");
      const fts5 = createTextSearch(db, { scoring: "fts5" });
      const query = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12";
      // The stale weights give other scores here, so the check has something to catch.
      const terms = searchTerms(query);
      expect(JSON.stringify(stale.rank(key, chunkKeyRange(key).first, used, terms, "or", 40))).not.toBe(
        JSON.stringify(reference(db, key, used, terms, "or").slice(0, 40)),
      );
      for (let i = 0; i < 5; i++) {
        expect(JSON.stringify(cached(key, used, query, 40))).toBe(JSON.stringify(fts5(key, used, query, 40)));
      }
    } finally {
      db.close();
    }
  });

  it("leaves a table it cannot reproduce to FTS5", () => {
    const { db } = seed();
    try {
      db.exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0) * 2')");
      expect(createBm25Scorer(db)).toBeUndefined();
      db.exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', 'bm25(3, 0.5)')");
      expect(createBm25Scorer(db)).toBeDefined();
    } finally {
      db.close();
    }
  });
});
