/**
 * What replicas of one server share beyond the store, for a store URL: on
 * PostgreSQL, the rate limits' buckets (`PostgresRateLimits`) and the wake-ups
 * of live inboxes (`PostgresChangeFeed`); on SQLite nothing (one process
 * serves the file: buckets stay in memory, inboxes poll). `ALAMBIQUE_PG_LIMIT_CONNECTIONS`
 * (default 8) sizes the rate limits' pool. The PostgreSQL code (and `pg`)
 * is imported only for a PostgreSQL URL, so a SQLite server never loads it.
 */
import type { ChangeFeed } from "../../spec/change-feed.js";
import type { RateLimitStore } from "../../spec/rate-limits.js";
import { parseStoreUrl } from "../open-store.js";

export interface ReplicaSync {
  rateLimits: RateLimitStore;
  changes: ChangeFeed;
  close(): Promise<void>;
}

export async function openReplicaSync(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  onError?: (error: Error) => void,
): Promise<ReplicaSync | undefined> {
  const target = parseStoreUrl(url);
  if (target.kind !== "postgres") return undefined;
  const [{ PostgresRateLimits }, { PostgresChangeFeed }] = await Promise.all([
    import("./postgres-rate-limits.js"),
    import("./postgres-change-feed.js"),
  ]);
  const connections = Number(env.ALAMBIQUE_PG_LIMIT_CONNECTIONS);
  const rateLimits = new PostgresRateLimits({
    url: target.url,
    ...(connections > 0 ? { connections: Math.floor(connections) } : {}),
  });
  const changes = new PostgresChangeFeed({ url: target.url, ...(onError ? { onError } : {}) });
  return {
    rateLimits,
    changes,
    close: async () => {
      await Promise.all([rateLimits.close(), changes.close()]);
    },
  };
}
