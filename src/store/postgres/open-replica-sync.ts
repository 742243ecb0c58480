/**
 * What replicas of one server share beyond the store, for a store URL: on
 * PostgreSQL, the rate limits' buckets (`PostgresRateLimits`), the token
 * budgets' counts and holds (`PostgresTokenBudgets`), the feedback caps'
 * counts (`PostgresFeedbackCaps`), all three on one pool of their own
 * (`ALAMBIQUE_PG_LIMIT_CONNECTIONS`, default 8), and the wake-ups of live
 * inboxes (`PostgresChangeFeed`); on SQLite nothing (one process serves the
 * file: they stay in memory, inboxes poll). The PostgreSQL code (and `pg`)
 * is imported only for a PostgreSQL URL, so a SQLite server never loads it.
 */
import type { ChangeFeed } from "../../spec/change-feed.js";
import type { FeedbackCapStore } from "../../spec/feedback-caps.js";
import type { RateLimitStore } from "../../spec/rate-limits.js";
import type { TokenBudgetStore } from "../../spec/token-budgets.js";
import { parseStoreUrl } from "../open-store.js";

export interface ReplicaSync {
  rateLimits: RateLimitStore;
  budgets: TokenBudgetStore;
  feedbackCaps: FeedbackCapStore;
  changes: ChangeFeed;
  close(): Promise<void>;
}

/** `onError`: told when the change feed's connection is lost; `onCountError`: when a token count cannot be written (it is kept). */
export async function openReplicaSync(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  onError?: (error: Error) => void,
  onCountError?: (error: unknown) => void,
): Promise<ReplicaSync | undefined> {
  const target = parseStoreUrl(url);
  if (target.kind !== "postgres") return undefined;
  const [
    { LimitsPool },
    { PostgresRateLimits },
    { PostgresTokenBudgets },
    { PostgresFeedbackCaps },
    { PostgresChangeFeed },
  ] = await Promise.all([
    import("./postgres-limits-pool.js"),
    import("./postgres-rate-limits.js"),
    import("./postgres-token-budgets.js"),
    import("./postgres-feedback-caps.js"),
    import("./postgres-change-feed.js"),
  ]);
  const connections = Number(env.ALAMBIQUE_PG_LIMIT_CONNECTIONS);
  const pool = new LimitsPool({
    url: target.url,
    ...(connections > 0 ? { connections: Math.floor(connections) } : {}),
  });
  const rateLimits = new PostgresRateLimits({ pool });
  const budgets = new PostgresTokenBudgets({ pool, ...(onCountError ? { onError: onCountError } : {}) });
  const feedbackCaps = new PostgresFeedbackCaps({ pool });
  const changes = new PostgresChangeFeed({ url: target.url, ...(onError ? { onError } : {}) });
  return {
    rateLimits,
    budgets,
    feedbackCaps,
    changes,
    close: async () => {
      await Promise.all([rateLimits.close(), budgets.close(), feedbackCaps.close(), changes.close()]);
      await pool.close();
    },
  };
}
