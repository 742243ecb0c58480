/**
 * Hidden chunks on SQLite: a staged or a retired source's chunks stay in the
 * text and vector indexes until published or purged
 * (sqlite-knowledge-staging.ts), so searches leave them out here. Hidden keys
 * come in a few runs (a batch's keys are consecutive, and each source records
 * its range while no other source's key falls inside it: migration 10).
 */
import type { Database } from "better-sqlite3";
import { chunkKeyRange } from "./chunk-keys.js";
import type { KnowledgeIndexRow, RankedKey } from "./sqlite-knowledge-rows.js";
import type { TextSearch } from "./sqlite-knowledge-text-search.js";

export interface HiddenKeys {
  /**
   * The agent's text search without its hidden chunks. Runs above every live
   * key (a version being staged, written last) are cut off the key range the
   * search walks, at no cost; the others (a retired version, until purged)
   * are asked for in more hits and dropped, by range, before any is loaded
   * (measured: 5,000 staged chunks matching the query, 1.1 vs 0.35 ms a
   * search at load 12, against 18 ms looking each key up).
   */
  searchText(index: KnowledgeIndexRow, query: string, limit: number): RankedKey[];
  /** Chunks of the agent's retired sources: vectors a search may find, until purged (staged ones get none). */
  retiredChunks(tenantId: string, agentId: string): number;
}

export function createHiddenKeys(db: Database, textSearch: TextSearch): HiddenKeys {
  const retiredChunks = db
    .prepare<[string, string], number>(
      `SELECT coalesce(sum(chunk_count), 0) FROM knowledge_sources
       WHERE tenant_id = ? AND agent_id = ? AND state = 'retired'`,
    )
    .pluck();
  /**
   * Runs of hidden keys of an agent, lowest first: each hidden source's
   * recorded range (no other source's key inside it), or, when one has none
   * (written with other sources' batches between its own, or before
   * migration 10), runs computed from its keys. An indexed lookup when
   * nothing is hidden.
   */
  const recordedRuns = db.prepare<[string, string], { first: number | null; last: number | null }>(
    `SELECT key_first AS first, key_last AS last FROM knowledge_sources
     WHERE tenant_id = ? AND agent_id = ? AND state <> 'live' AND chunk_count > 0`,
  );
  const computedRuns = db.prepare<[string, string], { first: number; last: number }>(
    `SELECT min(key) AS first, max(key) AS last FROM (
       SELECT c.key, c.key - row_number() OVER (ORDER BY c.key) AS run
       FROM knowledge_sources s JOIN chunks c ON c.source_id = s.id
       WHERE s.tenant_id = ? AND s.agent_id = ? AND s.state <> 'live')
     GROUP BY run`,
  );
  const hiddenRuns = (tenantId: string, agentId: string): { first: number; last: number }[] => {
    const recorded = recordedRuns.all(tenantId, agentId);
    const known = recorded.every((run) => run.first !== null && run.last !== null);
    const runs = known
      ? (recorded as { first: number; last: number }[])
      : computedRuns.all(tenantId, agentId);
    return runs.sort((a, b) => a.first - b.first);
  };
  const liveKeyIn = db
    .prepare<[number, number], number>(
      `SELECT 1 FROM chunks c JOIN knowledge_sources s ON s.id = c.source_id AND s.state = 'live'
       WHERE c.key BETWEEN ? AND ? LIMIT 1`,
    )
    .pluck();
  const searchText = (index: KnowledgeIndexRow, query: string, limit: number): RankedKey[] => {
    const { first } = chunkKeyRange(index.key);
    let end = first + index.next_chunk; // keys first…end-1 are searched
    const runs = hiddenRuns(index.tenant_id, index.agent_id);
    const below: { first: number; last: number }[] = [];
    for (const run of runs.reverse()) {
      if (below.length === 0 && (run.last + 1 >= end || !liveKeyIn.get(run.last + 1, end - 1)))
        end = run.first;
      else below.push(run);
    }
    const hidden = below.reduce((sum, run) => sum + run.last - run.first + 1, 0);
    return textSearch(index.key, end - first, query, limit + hidden).filter(
      ({ key }) => !below.some((run) => key >= run.first && key <= run.last),
    );
  };

  return { searchText, retiredChunks: (tenantId, agentId) => retiredChunks.get(tenantId, agentId)! };
}
