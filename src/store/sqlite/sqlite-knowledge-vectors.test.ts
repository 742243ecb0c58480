/**
 * The vector cells (an SQLite implementation detail the conformance suite
 * cannot see): tiny cells so that splits happen, then the bookkeeping is
 * checked against the tables, and search against brute force.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { ChunkInput } from "../../spec/knowledge.js";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import { createSqliteAgents } from "./sqlite-agents.js";
import { createSqliteKnowledge } from "./sqlite-knowledge.js";
import { createSqliteTenants } from "./sqlite-tenants.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-vector-cells-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 10-dim unit-ish vectors around 6 directions, deterministic. */
function vectorFor(i: number): Float32Array {
  const vector = new Float32Array(10);
  vector[i % 6] = 1;
  for (let d = 0; d < 10; d++) vector[d]! += 0.3 * Math.sin(i * 7.1 + d * 3.3);
  return vector;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i]! * b[i]!, na + a[i]! ** 2, nb + b[i]! ** 2];
  return dot / Math.sqrt(na * nb);
}

function setup(db: Database) {
  const tenant = createSqliteTenants(db).create({ slug: "cells", name: "Cells" });
  const agent = createSqliteAgents(db).create({ tenantId: tenant.id, name: "a", spec: {} });
  const knowledge = createSqliteKnowledge(db, {
    vectors: { maxCellSize: 8, probedCells: 1000, candidatesPerCell: 1000 },
  });
  const chunks = (n: number, from = 0): ChunkInput[] =>
    Array.from({ length: n }, (_, i) => ({
      ordinal: i,
      text: `chunk ${from + i}`,
      title: null,
      location: "",
      metadata: { i: from + i },
    }));
  return { tenantId: tenant.id, agentId: agent.id, knowledge, chunks };
}

/** Every invariant between knowledge_cells, chunk_vectors and the vec0 tables. */
function expectConsistent(db: Database): void {
  const cells = db.prepare("SELECT cell, size FROM knowledge_cells").all() as {
    cell: number;
    size: number;
  }[];
  const counts = db
    .prepare("SELECT cell, count(*) AS n FROM chunk_vectors WHERE cell IS NOT NULL GROUP BY cell")
    .all() as { cell: number; n: number }[];
  for (const { cell, n } of counts) expect(cells.find((c) => c.cell === cell)?.size).toBe(n);
  const vectors = counts.reduce((sum, { n }) => sum + n, 0);
  expect(cells.reduce((sum, { size }) => sum + size, 0)).toBe(vectors);
  expect(db.prepare("SELECT count(*) FROM knowledge_bits_16").pluck().get()).toBe(vectors);
  expect(db.prepare("SELECT count(*) FROM knowledge_centroids_10").pluck().get()).toBe(cells.length);
  const misplaced = db
    .prepare(
      `SELECT count(*) FROM knowledge_bits_16 b JOIN chunk_vectors v ON v.chunk_key = b.rowid
       WHERE b.cell <> v.cell`,
    )
    .pluck()
    .get();
  expect(misplaced).toBe(0);
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
}

describe("sqlite knowledge: vector cells", () => {
  it("splits full cells, keeps every count and table in step, and still finds the exact neighbours", () => {
    const { db } = openSqliteDatabase(join(dir, "split.db"), { busyTimeoutMs: 1000 });
    try {
      const { tenantId, agentId, knowledge, chunks } = setup(db);
      const first = knowledge.putSource({
        tenantId,
        agentId,
        uri: "a.md",
        kind: "text",
        contentHash: "a",
        bytes: 1,
        chunks: chunks(120),
      });
      knowledge.putSource({
        tenantId,
        agentId,
        uri: "b.md",
        kind: "text",
        contentHash: "b",
        bytes: 1,
        chunks: chunks(80, 120),
      });
      const pending = knowledge.chunksWithoutVectors(tenantId, agentId, "m", 1000);
      // Several calls, as an embedding worker makes them: cells persist between batches.
      for (let at = 0; at < pending.length; at += 30) {
        const batch = pending.slice(at, at + 30);
        knowledge.putVectors(
          tenantId,
          agentId,
          "m",
          batch.map((chunk) => ({ chunkId: chunk.id, vector: vectorFor(chunk.metadata.i as number) })),
        );
      }
      const cells = db.prepare("SELECT size FROM knowledge_cells").pluck().all() as number[];
      expect(cells.length).toBeGreaterThan(200 / 8);
      expect(Math.max(...cells)).toBeLessThanOrEqual(8);
      expectConsistent(db);

      // Replacing vectors moves them between cells without losing count.
      knowledge.putVectors(
        tenantId,
        agentId,
        "m",
        pending
          .slice(0, 20)
          .map((chunk) => ({ chunkId: chunk.id, vector: vectorFor(1000 + (chunk.metadata.i as number)) })),
      );
      expectConsistent(db);

      const query = vectorFor(7);
      const exact = pending
        .map((chunk) => {
          const i = chunk.metadata.i as number;
          return { i, similarity: cosine(query, vectorFor(i < 20 ? 1000 + i : i)) };
        })
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, 10);
      const hits = knowledge.searchVector(tenantId, agentId, query, 10);
      expect(hits.map((hit) => hit.chunk.metadata.i)).toEqual(exact.map(({ i }) => i));
      for (const [n, hit] of hits.entries()) expect(hit.score).toBeCloseTo(exact[n]!.similarity, 5);

      // Removing a source updates the sizes (trigger) and the vec0 rows.
      knowledge.removeSource(tenantId, first.id);
      expectConsistent(db);
      expect(knowledge.searchVector(tenantId, agentId, query, 200)).toHaveLength(80);
    } finally {
      db.close();
    }
  });
});
