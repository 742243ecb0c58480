/**
 * Which vector search a store opens with: pgvector when the server has it
 * (PGlite with real pgvector, pglite-pgvector.fixture.ts), the sign-bit scan
 * when ALAMBIQUE_PG_VECTOR=off or when the server has no pgvector (a real
 * PostgreSQL 15 without it, as in CI), and vectors written by the scan taken
 * into pgvector by the next open.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../spec/errors.js";
import { putTexts, seedAgent, vector } from "../conformance/knowledge-kit.conformance.js";
import { openPostgresStore } from "./open-postgres-store.js";
import { type PgliteServer, startPgliteServer } from "./pglite-pgvector.fixture.js";
import { hnswIndexName } from "./pgvector-search.js";
import { describePostgres, freshPostgresUrl, raw } from "./postgres-test-server.fixture.js";
import { pgvectorModeFrom } from "./prepare-pgvector.js";

describe("ALAMBIQUE_PG_VECTOR", () => {
  it("is auto unless it says off, and anything else is refused saying what it may be", () => {
    expect(pgvectorModeFrom(undefined)).toBe("auto");
    expect(pgvectorModeFrom("")).toBe("auto");
    expect(pgvectorModeFrom("auto")).toBe("auto");
    expect(pgvectorModeFrom("off")).toBe("off");
    let error: unknown;
    try {
      pgvectorModeFrom("on");
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('"on"');
    expect((error as ConfigError).hint).toMatch(/auto.*off/);
  });
});

describe("pgvector on a server that has it (PGlite)", () => {
  let server: PgliteServer;
  beforeAll(async () => {
    server = await startPgliteServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const unconverted = async () =>
    Number(
      (
        await server.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM chunk_vectors WHERE embedding IS NOT NULL AND embedding_vector IS NULL",
        )
      ).rows[0]!.n,
    );

  it("creates the extension and the column; off writes around them; the next auto open takes those vectors in", async () => {
    const first = await openPostgresStore({ url: server.url, poolSize: 1 });
    await first.close();
    const created = await server.db.query<{ v: string }>(
      "SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'",
    );
    expect(created.rows[0]?.v).toMatch(/^0\.\d+\.\d+$/);

    const off = await openPostgresStore({ url: server.url, poolSize: 1, pgvector: "off" });
    const seeded = await seedAgent(off);
    await putTexts(off, seeded, "compass.md", ["norte", "este"]);
    const chunks = await off.knowledge.chunksWithoutVectors(seeded.tenant.id, seeded.agent.id, "m", 10);
    const directions: Record<string, Float32Array> = { norte: vector(0, 1, 0, 0), este: vector(1, 0, 0, 0) };
    await off.knowledge.putVectors(
      seeded.tenant.id,
      seeded.agent.id,
      "m",
      chunks.map((c) => ({ chunkId: c.id, vector: directions[c.text]! })),
    );
    expect(await unconverted()).toBe(2);
    const byScan = await off.knowledge.searchVector(
      seeded.tenant.id,
      seeded.agent.id,
      vector(0.2, 1, 0, 0),
      2,
    );
    expect(byScan.map((h) => h.chunk.text)).toEqual(["norte", "este"]);
    expect(await server.db.query("SELECT to_regclass($1) AS r", [hnswIndexName(4)])).toMatchObject({
      rows: [{ r: null }],
    });
    await off.close();

    const auto = await openPostgresStore({ url: server.url, poolSize: 1, pgvectorExactBelow: 0 });
    try {
      expect(await unconverted()).toBe(0);
      // The index of the dimension agents already use is made at open.
      const index = await server.db.query<{ r: string | null }>("SELECT to_regclass($1)::text AS r", [
        hnswIndexName(4),
      ]);
      expect(index.rows[0]!.r).toBe(hnswIndexName(4));
      const byIndex = await auto.knowledge.searchVector(
        seeded.tenant.id,
        seeded.agent.id,
        vector(0.2, 1, 0, 0),
        2,
      );
      expect(byIndex).toEqual(byScan);
    } finally {
      await auto.close();
    }
  });
});

describePostgres("pgvector absent (PostgreSQL 15 without it): the scan, unchanged", () => {
  it("opens without it, adds nothing, and searches by the scan", async () => {
    const url = await freshPostgresUrl("nopgvector");
    const available = await raw(url, (c) =>
      c.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"),
    );
    // This suite is about a server without pgvector: say so rather than test the other path here.
    expect(available.rowCount, "this PostgreSQL has pgvector; the fallback is not what runs").toBe(0);
    const store = await openPostgresStore({ url, poolSize: 2 });
    try {
      const seeded = await seedAgent(store);
      await putTexts(store, seeded, "compass.md", ["norte", "sur"]);
      const chunks = await store.knowledge.chunksWithoutVectors(seeded.tenant.id, seeded.agent.id, "m", 10);
      await store.knowledge.putVectors(
        seeded.tenant.id,
        seeded.agent.id,
        "m",
        chunks.map((c) => ({ chunkId: c.id, vector: c.text === "norte" ? vector(0, 1) : vector(0, -1) })),
      );
      const hits = await store.knowledge.searchVector(seeded.tenant.id, seeded.agent.id, vector(0.1, 1), 2);
      expect(hits.map((h) => h.chunk.text)).toEqual(["norte", "sur"]);
      const column = await raw(url, (c) =>
        c.query(
          "SELECT 1 FROM information_schema.columns WHERE table_name = 'chunk_vectors' AND column_name = 'embedding_vector'",
        ),
      );
      expect(column.rowCount).toBe(0);
    } finally {
      await store.close();
    }
  });
});
