import type { Database } from "better-sqlite3";
import type { SyncRepositories } from "./sync-repositories.js";

export function createSqliteUsage(db: Database): SyncRepositories["usage"] {
  const add = db.prepare<[string, string, number]>(
    `INSERT INTO tenant_usage (tenant_id, day, tokens) VALUES (?, ?, ?)
     ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = tokens + excluded.tokens`,
  );
  const get = db.prepare<[string, string], { tokens: number }>(
    "SELECT tokens FROM tenant_usage WHERE tenant_id = ? AND day = ?",
  );
  return {
    add(tenantId, day, tokens) {
      add.run(tenantId, day, tokens);
    },
    get: (tenantId, day) => get.get(tenantId, day)?.tokens ?? 0,
  };
}
