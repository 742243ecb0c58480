/**
 * A connection that fails under a statement (here: its backend ended by
 * `pg_terminate_backend` while the statement waits on a lock, as a server
 * restart or a dropped proxy connection would end it): a read is run once more
 * on another connection and answers; a write fails `unavailable` and is not
 * applied, never applied twice.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { openStore } from "../open-store.js";
import { isIdempotentRead } from "./idempotent-read.js";
import { describePostgres, freshPostgresUrl } from "./postgres-test-server.fixture.js";

describe("isIdempotentRead", () => {
  it.each([
    ["SELECT * FROM tenants ORDER BY created_at, id", true],
    ["  -- a comment\n  WITH hits AS (SELECT id FROM chunks) SELECT * FROM hits", true],
    ["SELECT updated_at, last_update FROM jobs", true],
    ["INSERT INTO tenants (id) VALUES ($1) RETURNING *", false],
    ["WITH gone AS (DELETE FROM jobs RETURNING id) SELECT count(*) FROM gone", false],
    ["SELECT * FROM jobs WHERE status = 'queued' FOR UPDATE SKIP LOCKED", false],
    ["SELECT * FROM jobs FOR SHARE", false],
    ["SELECT alambique_budget_hold($1, $2, $3)", false],
    ["SELECT pg_advisory_lock($1)", false],
    ["SELECT nextval('seq')", false],
    ["SELECT * INTO copy FROM tenants", false],
    ["UPDATE jobs SET status = 'failed'", false],
  ])("%s → %s", (text, read) => {
    expect(isIdempotentRead(text)).toBe(read);
  });
});

describePostgres("postgres store: a connection lost under a statement", () => {
  let url: string;
  let store: Store;
  beforeAll(async () => {
    url = await freshPostgresUrl("lost");
    store = await openStore(url);
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Runs `call` while `tenants` is locked, ends the backend waiting on that lock, then lets the lock go. */
  async function endBackendUnder<T>(call: () => Promise<T>): Promise<PromiseSettledResult<T>> {
    const locker = new pg.Client({ connectionString: url });
    const killer = new pg.Client({ connectionString: url });
    await locker.connect();
    await killer.connect();
    try {
      await locker.query("BEGIN; LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE");
      const settled = call().then(
        (value) => ({ status: "fulfilled", value }) as const,
        (reason: unknown) => ({ status: "rejected", reason }) as const,
      );
      let ended = 0;
      for (let tries = 0; ended === 0 && tries < 200; tries++) {
        const { rowCount } = await killer.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%tenants%'
             AND pid <> $1`,
          [(await locker.query("SELECT pg_backend_pid() AS pid")).rows[0].pid],
        );
        ended = rowCount ?? 0;
        if (ended === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(ended).toBe(1);
      await locker.query("COMMIT");
      return await settled;
    } finally {
      await locker.end();
      await killer.end();
    }
  }

  it("answers a read on another connection", async () => {
    const tenant = await store.tenants.create({ slug: "panaderia", name: "Panadería" });
    const result = await endBackendUnder(() => store.tenants.list());
    expect(result.status).toBe("fulfilled");
    if (result.status === "fulfilled") expect(result.value.map((t) => t.id)).toContain(tenant.id);
  });

  it("fails a write `unavailable` and does not apply it", async () => {
    const result = await endBackendUnder(() =>
      store.tenants.create({ slug: "floristeria", name: "Floristería" }),
    );
    expect(result.status).toBe("rejected");
    if (result.status === "rejected") {
      expect(result.reason).toBeInstanceOf(StoreError);
      expect((result.reason as StoreError).kind).toBe("unavailable");
    }
    expect((await store.tenants.list()).map((t) => t.slug)).not.toContain("floristeria");
  });
});
