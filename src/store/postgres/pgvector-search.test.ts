/**
 * Vector search through real pgvector, on each server of
 * pgvector-servers.fixture.ts (pgvector's WASM build in PGlite, and native
 * pgvector 0.8.0 in PostgreSQL 15): the same conformance cases as the scan,
 * once through the HNSW index (every agent, however small, with the planner
 * told to prefer indexes), once exactly and once by the scan
 * (ALAMBIQUE_PG_VECTOR=off on a server that has pgvector). The index at
 * scale is pgvector-hnsw.test.ts's.
 */
import { afterAll, afterEach, beforeAll, describe } from "vitest";
import type { Store } from "../../spec/store.js";
import { describeKnowledgeVectors } from "../conformance/knowledge-vectors.conformance.js";
import type { StoreTestKit } from "../conformance/store-test-kit.conformance.js";
import { openPostgresStore } from "./open-postgres-store.js";
import { describeOnPgvectorServers, type PgvectorServer } from "./pgvector-servers.fixture.js";
import type { PgvectorMode } from "./prepare-pgvector.js";

/** A kit on one database of `server` (tests are apart by tenant), stores opened with `exactBelow`. */
function serverKit(
  server: PgvectorServer,
  url: () => string,
  exactBelow: number,
  pgvector: PgvectorMode = "auto",
): StoreTestKit {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  const open = async (at: string) => {
    const store = await openPostgresStore({
      url: at,
      poolSize: server.poolSize,
      pgvector,
      pgvectorExactBelow: exactBelow,
    });
    opened.push(store);
    return store;
  };
  return { url: async () => url(), open, fresh: async () => open(url()) };
}

describeOnPgvectorServers("pgvector search", (server) => {
  describe("through its HNSW index, every agent", () => {
    let url = "";
    // A few rows: the planner would rather sort them.
    beforeAll(async () => {
      url = await server.freshUrl("hnsw");
      await server.configure(url, { enable_seqscan: "off", enable_sort: "off" });
    });
    afterAll(() => server.configure(url, { enable_seqscan: undefined, enable_sort: undefined }));
    describeKnowledgeVectors(serverKit(server, () => url, 0));
  });

  describe("exactly, every agent", () => {
    let url = "";
    beforeAll(async () => {
      url = await server.freshUrl("exact");
    });
    describeKnowledgeVectors(serverKit(server, () => url, Number.POSITIVE_INFINITY));
  });

  describe("by the sign-bit scan (ALAMBIQUE_PG_VECTOR=off) on a server that has pgvector", () => {
    let url = "";
    beforeAll(async () => {
      url = await server.freshUrl("scan");
    });
    describeKnowledgeVectors(serverKit(server, () => url, 0, "off"));
  });
});
