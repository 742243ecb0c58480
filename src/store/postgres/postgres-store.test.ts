/**
 * The PostgreSQL store against the same conformance suite as SQLite, on a
 * throwaway server (postgres-cluster.fixture.ts), a fresh database per URL,
 * then what only PostgreSQL has: its refusals, its pool and lock limits, its
 * migrations under concurrency, and stemming per language.
 * Without PostgreSQL binaries the suites are skipped, saying so — unless
 * ALAMBIQUE_REQUIRE_POSTGRES is set (CI), where this file fails instead.
 */
import { describe, expect, it } from "vitest";
import { StoreError } from "../../spec/errors.js";
import { hashApiKeySecret } from "../api-key-secret.js";
import { putTexts, seedAgent } from "../conformance/knowledge-kit.conformance.js";
import { seedConversation } from "../conformance/store-test-kit.conformance.js";
import { openStore } from "../open-store.js";
import { describeStoreConformance } from "../store.conformance.js";
import { latestPostgresSchemaVersion } from "./postgres-migrations.js";
import {
  freshPostgresUrl as freshUrl,
  postgresInstalled,
  raw,
  postgresServer as server,
} from "./postgres-test-server.fixture.js";

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(StoreError.isInstance(error), String(error)).toBe(true);
  return error as StoreError;
}

const withPassword = (url: string) => url.replace("postgres://alambique@", "postgres://alambique:hunter2@");

if (!postgresInstalled) {
  describe.skip("store conformance: postgres — skipped: no PostgreSQL binaries (apt-get install postgresql)", () => {
    it("needs initdb, pg_ctl and postgres", () => {});
  });
} else {
  describeStoreConformance("postgres", freshUrl);

  describe("postgres store: databases it must refuse", () => {
    it("refuses a schema newer than this code knows, writing nothing, without the password in the message", async () => {
      const url = await freshUrl();
      const store = await openStore(url);
      await store.tenants.create({ slug: "from-the-future", name: "T" });
      await store.close();
      await raw(url, (c) =>
        c.query("INSERT INTO alambique_migrations VALUES ($1, 'from the future', now())", [
          latestPostgresSchemaVersion + 1,
        ]),
      );
      const error = await rejection(openStore(withPassword(url)));
      expect(error.kind).toBe("newer_schema");
      expect(error.message).toContain(String(latestPostgresSchemaVersion + 1));
      expect(error.message).toContain(url);
      expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
      expect(error.hint).toMatch(/upgrade/i);
      const versions = await raw(
        url,
        async (c) => (await c.query("SELECT version FROM alambique_migrations")).rowCount,
      );
      expect(versions).toBe(latestPostgresSchemaVersion + 1);
    });

    it("refuses a database with someone else's tables, untouched", async () => {
      const url = await freshUrl();
      await raw(url, (c) => c.query("CREATE TABLE invoices (id int PRIMARY KEY, total numeric)"));
      const error = await rejection(openStore(url));
      expect(error.kind).toBe("not_a_database");
      expect(error.hint).toContain("invoices");
      const ours = await raw(
        url,
        async (c) => (await c.query("SELECT to_regclass('tenants') AS t")).rows[0].t,
      );
      expect(ours).toBeNull();
    });

    it("says which database is missing, and how to create it, without the password", async () => {
      const url = `${(await server()).url("no_such_database")}`;
      const error = await rejection(openStore(withPassword(url), { connectRetryMs: 0 }));
      expect(error.kind).toBe("unavailable");
      expect(error.message).toContain("no_such_database");
      expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
      expect(error.hint).toMatch(/createdb/);
    });
  });

  describe("postgres store: migrations", () => {
    it("migrates a new database once when two processes open it at the same time", async () => {
      const url = await freshUrl();
      const [a, b] = await Promise.all([openStore(url), openStore(url)]);
      await a.tenants.create({ slug: "both", name: "B" });
      expect((await b.tenants.getBySlug("both"))?.name).toBe("B");
      await Promise.all([a.close(), b.close()]);
      const versions = await raw(url, async (c) =>
        (await c.query<{ version: number }>("SELECT version FROM alambique_migrations ORDER BY 1")).rows.map(
          (r) => r.version,
        ),
      );
      expect(versions).toEqual(Array.from({ length: latestPostgresSchemaVersion }, (_, i) => i + 1));
    });

    it("leaves nothing of a migration that fails half-way, and runs it again once the cause is gone", async () => {
      const url = await freshUrl();
      // Migration 2 creates this configuration: with one in the way, it fails after migration 1 ran.
      await raw(url, (c) =>
        c.query("CREATE TEXT SEARCH CONFIGURATION alambique_es (COPY = pg_catalog.simple)"),
      );
      const error = await rejection(openStore(url));
      expect(error.message).toMatch(/alambique_es/);
      const left = await raw(
        url,
        async (c) =>
          (await c.query("SELECT to_regclass('tenants') AS t, to_regclass('alambique_migrations') AS m"))
            .rows[0],
      );
      expect(left).toEqual({ t: null, m: null });
      await raw(url, (c) => c.query("DROP TEXT SEARCH CONFIGURATION alambique_es"));
      const store = await openStore(url);
      expect((await store.health()).ok).toBe(true);
      await store.close();
    });
  });

  describe("postgres store: limits", () => {
    it("fails `unavailable` (retryable) when no pooled connection frees up in time, instead of hanging", async () => {
      const url = await freshUrl();
      const store = await openStore(url, { poolSize: 1, acquireTimeoutMs: 300 });
      const { conversation } = await seedConversation(store);
      await raw(url, async (holder) => {
        await holder.query("BEGIN");
        await holder.query("SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE", [conversation.id]);
        // Takes the pool's only connection and waits on the row lock.
        const append = store.messages.append({
          conversationId: conversation.id,
          role: "user",
          content: "hola",
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const started = Date.now();
        const error = await rejection(store.tenants.list());
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(error.kind).toBe("unavailable");
        expect(error.retryable).toBe(true);
        expect(error.message).toMatch(/1 of the pool's connections are busy/);
        await holder.query("COMMIT");
        expect((await append).seq).toBe(1);
      });
      expect(await store.tenants.list()).toHaveLength(1);
      await store.close();
    });

    it("fails `locked` (retryable) when another transaction holds the rows past the lock timeout", async () => {
      const url = await freshUrl();
      const store = await openStore(url, { busyTimeoutMs: 200 });
      const { conversation } = await seedConversation(store);
      await raw(url, async (holder) => {
        await holder.query("BEGIN");
        await holder.query("SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE", [conversation.id]);
        const started = Date.now();
        const error = await rejection(
          store.messages.append({ conversationId: conversation.id, role: "user", content: "hola" }),
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(190);
        expect(error.kind).toBe("locked");
        expect(error.retryable).toBe(true);
        await holder.query("ROLLBACK");
      });
      // Nothing half-written: the append failed whole, and the next one takes seq 1.
      expect(
        (await store.messages.append({ conversationId: conversation.id, role: "user", content: "x" })).seq,
      ).toBe(1);
      await store.close();
    });
  });

  describe("postgres store: what stays inside the database", () => {
    it("stores the API key's hash and never its secret", async () => {
      const url = await freshUrl();
      const store = await openStore(url);
      const tenant = await store.tenants.create({ slug: "keys", name: "K" });
      const { secret } = await store.apiKeys.create({ tenantId: tenant.id, name: "k", scopes: ["chat"] });
      await store.close();
      const text = await raw(url, async (c) =>
        JSON.stringify((await c.query("SELECT * FROM api_keys")).rows),
      );
      expect(text).toContain(hashApiKeySecret(secret));
      expect(text).not.toContain(secret.slice(12));
    });
  });

  describe("postgres store: text search per language", () => {
    it("stems Spanish and English words, each chunk in its own language, diacritics folded", async () => {
      const store = await openStore(await freshUrl());
      const seeded = await seedAgent(store);
      await putTexts(store, seeded, "faq.md", [
        "Encargos: Las tartas de cumpleaños se encargan con dos días de antelación.",
        "We bake sourdough bread every morning and the loaves are baked in a wood oven.",
        "La panadería abre los sábados por la mañana.",
      ]);
      const search = async (query: string) =>
        (await store.knowledge.searchText(seeded.tenant.id, seeded.agent.id, query, 5)).map(
          (hit) => hit.chunk.text,
        );
      expect(await search("tarta de cumpleaños")).toHaveLength(1);
      expect((await search("¿encargo una tarta?"))[0]).toMatch(/tartas/);
      expect(await search("baking loaf")).toEqual([expect.stringMatching(/sourdough/)]);
      expect(await search("PANADERIAS sabado")).toEqual([expect.stringMatching(/panadería/)]);
      await store.close();
    });
  });
}
