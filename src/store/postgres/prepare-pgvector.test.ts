/**
 * Which vector search a store opens with: pgvector when the server has it
 * (each server of pgvector-servers.fixture.ts: pgvector's WASM build in
 * PGlite, native pgvector 0.8.0), the sign-bit scan when
 * ALAMBIQUE_PG_VECTOR=off or when the server has no pgvector (PGlite without
 * it, and a native PostgreSQL without it where that is what is installed),
 * vectors written by the scan taken into pgvector by the next open, and
 * `doctor` saying which path a store takes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkPostgresStore } from "../../doctor/checks/check-postgres-store.js";
import { ConfigError } from "../../spec/errors.js";
import { putTexts, seedAgent, vector } from "../conformance/knowledge-kit.conformance.js";
import { openPostgresStore } from "./open-postgres-store.js";
import { type PgliteServer, startPgliteServer } from "./pglite-pgvector.fixture.js";
import { hnswIndexName } from "./pgvector-search.js";
import { describeOnPgvectorServers, nativePgvectorInstalled } from "./pgvector-servers.fixture.js";
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

describeOnPgvectorServers("pgvector where the server has it", (server) => {
  it("creates the extension and the column; off writes around them; the next auto open takes those vectors in", async () => {
    const url = await server.freshUrl("prepare");
    const one = async <R>(text: string, values?: unknown[]) =>
      (await server.session(url, (query) => query<R>(text, values)))[0];
    const unconverted = async () =>
      Number(
        (await one<{ n: number }>(
          "SELECT count(*)::int AS n FROM chunk_vectors WHERE embedding IS NOT NULL AND embedding_vector IS NULL",
        ))!.n,
      );
    const first = await openPostgresStore({ url, poolSize: server.poolSize });
    await first.close();
    const created = await one<{ v: string }>(
      "SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'",
    );
    expect(created?.v).toMatch(/^0\.\d+\.\d+$/);

    const off = await openPostgresStore({ url, poolSize: server.poolSize, pgvector: "off" });
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
    expect(await one("SELECT to_regclass($1) AS r", [hnswIndexName(4)])).toEqual({ r: null });
    await off.close();

    const auto = await openPostgresStore({ url, poolSize: server.poolSize, pgvectorExactBelow: 0 });
    try {
      expect(await unconverted()).toBe(0);
      // The index of the dimension agents already use is made at open.
      const index = await one<{ r: string | null }>("SELECT to_regclass($1)::text AS r", [hnswIndexName(4)]);
      expect(index!.r).toBe(hnswIndexName(4));
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

  it("is what doctor says the store uses: available, then installed and used, or not used when off", async () => {
    const url = await server.freshUrl("doctor");
    const pgvector = async () => (await checkPostgresStore(url)).find((result) => result.id === "pgvector")!;
    // PGlite is one database that earlier tests already opened: only a native fresh one has it not yet created.
    if (server.native) {
      expect((await pgvector()).detail).toMatch(/^available \(0\.\d+\.\d+\), created by the next start/);
    }
    await (await openPostgresStore({ url, poolSize: server.poolSize })).close();
    const used = await pgvector();
    expect(used.status).toBe("ok");
    expect(used.detail).toMatch(/^installed \(0\.\d+\.\d+\), used: one HNSW index per embedding dimension/);
    vi.stubEnv("ALAMBIQUE_PG_VECTOR", "off");
    try {
      expect((await pgvector()).detail).toMatch(
        /^0\.\d+\.\d+ on the server, not used \(ALAMBIQUE_PG_VECTOR=off\)/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

/** Opens a store on `url` where the server has no pgvector: it must add nothing and search by the scan. */
async function scansWithoutPgvector(url: string, poolSize: number): Promise<void> {
  const store = await openPostgresStore({ url, poolSize });
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
  } finally {
    await store.close();
  }
}

const columnQuery =
  "SELECT 1 FROM information_schema.columns WHERE table_name = 'chunk_vectors' AND column_name = 'embedding_vector'";

describe("pgvector absent (PGlite without it): the scan, unchanged", () => {
  let server: PgliteServer;
  beforeAll(async () => {
    server = await startPgliteServer({ pgvector: false });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("opens without it, adds nothing, and searches by the scan", async () => {
    const available = await server.db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    expect(available.rows).toHaveLength(0);
    await scansWithoutPgvector(server.url, 1);
    expect((await server.db.query(columnQuery)).rows).toHaveLength(0);
  });
});

// A native server without pgvector is what machines without .ci/build-pgvector.sh have: tested there.
describePostgres("pgvector absent (native PostgreSQL without it): the scan, unchanged", () => {
  it.skipIf(nativePgvectorInstalled)("opens without it, adds nothing, and searches by the scan", async () => {
    const url = await freshPostgresUrl("nopgvector");
    await scansWithoutPgvector(url, 2);
    expect((await raw(url, (c) => c.query(columnQuery))).rowCount).toBe(0);
  });
});
