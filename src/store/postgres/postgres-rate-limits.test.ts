import { expect, it } from "vitest";
import { describeRateLimitsConformance } from "../../server/limits/rate-limits.conformance.js";
import { openStore } from "../open-store.js";
import { PostgresRateLimits } from "./postgres-rate-limits.js";
import { describePostgres, freshPostgresUrl, raw } from "./postgres-test-server.fixture.js";

/** A migrated database: the store applies migration 6 (rate_buckets) on open. */
async function migratedUrl(): Promise<string> {
  const url = await freshPostgresUrl("limits");
  await (await openStore(url)).close();
  return url;
}

describePostgres("PostgreSQL rate limits", () => {
  // Two pools on one database: two replicas' views of the same buckets.
  describeRateLimitsConformance("postgres", async () => {
    const url = await migratedUrl();
    return [new PostgresRateLimits({ url }), new PostgresRateLimits({ url })];
  });

  it("deletes the buckets that are full again, and only those", async () => {
    const url = await migratedUrl();
    const limits = new PostgresRateLimits({ url });
    try {
      await limits.take({ scope: "key", perMinute: 6000, burst: 1 }, "quick"); // full again in 10 ms
      await limits.take({ scope: "key", perMinute: 1, burst: 1 }, "slow");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await limits.sweep()).toBe(1);
      const keys = await raw(url, async (c) => (await c.query("SELECT key FROM rate_buckets")).rows);
      expect(keys).toEqual([{ key: "slow" }]);
    } finally {
      await limits.close();
    }
  });

  it("fails a take with store_unavailable when the database cannot be reached", async () => {
    const limits = new PostgresRateLimits({
      url: "postgres://nobody@127.0.0.1:1/none",
      acquireTimeoutMs: 500,
    });
    try {
      await expect(limits.take({ scope: "key", perMinute: 1, burst: 1 }, "k")).rejects.toMatchObject({
        code: "store_unavailable",
      });
    } finally {
      await limits.close();
    }
  });
});
