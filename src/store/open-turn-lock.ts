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
import { PostgresTurnLock } from "./postgres/postgres-turn-lock.js";

export function openTurnLock(url: string, env: NodeJS.ProcessEnv = process.env): TurnLock | undefined {
  const target = parseStoreUrl(url);
  if (target.kind !== "postgres") return undefined;
  const waitMs = Number(env.ALAMBIQUE_TURN_LOCK_WAIT_MS);
  const connections = Number(env.ALAMBIQUE_PG_TURN_LOCKS);
  return new PostgresTurnLock({
    url: target.url,
    ...(waitMs > 0 ? { waitMs } : {}),
    ...(connections > 0 ? { connections: Math.floor(connections) } : {}),
  });
}
