import type { StoreRepositories } from "../../spec/store.js";
import type { Sql } from "./postgres-sql.js";

/** Token counts per tenant and day; an upsert, so replicas adding at once all count. */
export function createPostgresUsage(sql: Sql): StoreRepositories["usage"] {
  return {
    async add(tenantId, day, tokens) {
      await sql.query(
        `INSERT INTO tenant_usage (tenant_id, day, tokens) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = tenant_usage.tokens + excluded.tokens`,
        [tenantId, day, tokens],
      );
    },
    get: async (tenantId, day) =>
      (
        await sql.query<{ tokens: number }>(
          "SELECT tokens FROM tenant_usage WHERE tenant_id = $1 AND day = $2",
          [tenantId, day],
        )
      )[0]?.tokens ?? 0,
  };
}
