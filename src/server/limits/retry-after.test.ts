/**
 * A PostgreSQL store with one connection, held by a statement waiting on a
 * lock taken behind the store's back: the next request finds no free
 * connection and is answered 503 `store_unavailable` with `Retry-After` after
 * the pool's acquire timeout, and the blocked one 503 `store_locked` after
 * the lock timeout — neither hangs. Once the lock is gone, requests pass.
 */
import { expect, it } from "vitest";
import { AlambiqueError, StoreError } from "../../spec/errors.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import {
  describePostgres,
  freshPostgresUrl,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { createServer } from "../create-server.js";
import { instantResolver } from "../openai/instant-model.fixture.js";
import { retryAfterSeconds } from "./retry-after.js";

it("names a wait for busy customers and databases, and none for errors retrying cannot fix", () => {
  const busy = new AlambiqueError("busy", { code: "conversation_busy", status: 409, retryable: true });
  expect(retryAfterSeconds(busy)).toBe(2);
  expect(retryAfterSeconds(new StoreError("unavailable", "no connection"))).toBe(1);
  expect(retryAfterSeconds(new StoreError("locked", "held"))).toBe(1);
  expect(retryAfterSeconds(new StoreError("corrupt", "bad"))).toBeUndefined();
  expect(retryAfterSeconds(new AlambiqueError("no", { code: "not_found" }))).toBeUndefined();
  expect(retryAfterSeconds(new Error("plain"))).toBeUndefined();
});

describePostgres("a PostgreSQL pool with no free connection", () => {
  it("answers 503 with Retry-After within the acquire timeout, never a hang", async () => {
    const url = await freshPostgresUrl("pool");
    const store = await openStore(url, { poolSize: 1, acquireTimeoutMs: 300, busyTimeoutMs: 2500 });
    const { secret } = await store.apiKeys.create({
      tenantId: (await defaultTenant(store)).id,
      name: "ops",
      scopes: ["admin"],
    });
    const app = createServer({ store, models: instantResolver({}) });
    const models = () => app.inject({ url: "/v1/models", headers: { authorization: `Bearer ${secret}` } });
    try {
      expect((await models()).statusCode).toBe(200);
      await raw(url, async (holder) => {
        await holder.query("BEGIN");
        await holder.query("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
        const started = Date.now();
        const blocked = models(); // takes the one connection and waits on the lock
        await new Promise((resolve) => setTimeout(resolve, 100));
        const starved = await models();
        const starvedAfter = Date.now() - started;
        expect(starved.statusCode).toBe(503);
        expect(starved.json().error.code).toBe("store_unavailable");
        expect(starved.headers["retry-after"]).toBe("1");
        expect(starvedAfter).toBeLessThan(2000);
        const locked = await blocked;
        expect(locked.statusCode).toBe(503);
        expect(locked.json().error.code).toBe("store_locked");
        expect(locked.headers["retry-after"]).toBe("1");
        expect(Date.now() - started).toBeLessThan(6000);
        await holder.query("ROLLBACK");
      });
      expect((await models()).statusCode).toBe(200);
    } finally {
      await app.close();
      await store.close();
    }
  }, 60_000);
});
