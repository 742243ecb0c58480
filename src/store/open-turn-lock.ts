/**
 * The cross-process `TurnLock` for a store URL: PostgreSQL's advisory locks,
 * or undefined for SQLite (whose turns are serialised within the one process
 * that serves the file). `ALAMBIQUE_TURN_LOCK_WAIT_MS` (default 30000) bounds
 * how long a turn waits for the same customer's turn in another replica;
 * `ALAMBIQUE_PG_TURN_LOCKS` (default 32) how many customers one process
 * answers at once.
 */
import type { TurnLock } from "../spec/turn-lock.js";
import { parseStoreUrl } from "./open-store.js";

/**
 * The PostgreSQL lock is made on its first use: this module is on every
 * `serve`'s path, and the pg driver (~0.2 s of CPU to import) is not needed
 * on SQLite. `close()` before any turn closes nothing.
 */
export function openTurnLock(url: string, env: NodeJS.ProcessEnv = process.env): TurnLock | undefined {
  const target = parseStoreUrl(url);
  if (target.kind !== "postgres") return undefined;
  const waitMs = Number(env.ALAMBIQUE_TURN_LOCK_WAIT_MS);
  const connections = Number(env.ALAMBIQUE_PG_TURN_LOCKS);
  let lock: Promise<TurnLock> | undefined;
  const made = () => {
    lock ??= import("./postgres/postgres-turn-lock.js").then(
      ({ PostgresTurnLock }) =>
        new PostgresTurnLock({
          url: target.url,
          ...(waitMs > 0 ? { waitMs } : {}),
          ...(connections > 0 ? { connections: Math.floor(connections) } : {}),
        }),
    );
    return lock;
  };
  return {
    hold: async (key, fn) => (await made()).hold(key, fn),
    close: async () => {
      if (lock) await (await lock).close();
    },
  };
}
