/**
 * Evaluation results and scorecards (see `StoreRepositories.evaluations`).
 * A result is written with INSERT OR IGNORE on (job, key), so a resumed job
 * never writes one twice; scorecards are immutable, enforced again by a
 * trigger (migration 7).
 */
import type { Database } from "better-sqlite3";
import { ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { EvalResult, NewScorecard, ScorecardRecord } from "../../spec/store.js";
import { newId } from "../ids.js";
import { assertLimit } from "./assert-limit.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface ScorecardRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  version: number;
  job_id: string | null;
  candidate: string;
  reference: string;
  judge: string;
  dataset_id: string | null;
  dataset_hash: string;
  seed: number;
  gate_passed: number;
  scorecard: string;
  created_at: string;
}

const maxResultsLimit = 10_000;

export function createSqliteEvaluations(db: Database): SyncRepositories["evaluations"] {
  const insertResult = db.prepare<[string, string, number, string, string]>(
    "INSERT OR IGNORE INTO eval_results (job_id, key, ordinal, result, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const results = db.prepare<
    [{ jobId: string; after: number; limit: number }],
    { key: string; ordinal: number; result: string }
  >(
    `SELECT key, ordinal, result FROM eval_results WHERE job_id = @jobId AND ordinal > @after
     ORDER BY ordinal, key LIMIT @limit`,
  );
  const countResults = db
    .prepare<[string], number>("SELECT count(*) FROM eval_results WHERE job_id = ?")
    .pluck();
  const nextVersion = db
    .prepare<[string, string], number>(
      "SELECT coalesce(max(version), 0) + 1 FROM eval_scorecards WHERE agent_id = ? AND candidate = ?",
    )
    .pluck();
  const insertScorecard = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO eval_scorecards (id, tenant_id, agent_id, version, job_id, candidate, reference, judge,
       dataset_id, dataset_hash, seed, gate_passed, scorecard, created_at)
     VALUES (@id, @tenantId, @agentId, @version, @jobId, @candidate, @reference, @judge, @datasetId,
       @datasetHash, @seed, @gatePassed, @scorecard, @createdAt)`,
  );
  const byId = db.prepare<[string, string], ScorecardRow>(
    "SELECT * FROM eval_scorecards WHERE tenant_id = ? AND id = ?",
  );
  const list = db.prepare<
    [{ tenantId: string; agentId: string | null; candidate: string | null }],
    ScorecardRow
  >(
    `SELECT * FROM eval_scorecards WHERE tenant_id = @tenantId
       AND (@agentId IS NULL OR agent_id = @agentId) AND (@candidate IS NULL OR candidate = @candidate)
     ORDER BY created_at, id`,
  );
  const latest = db.prepare<[string, string, string], ScorecardRow>(
    `SELECT * FROM eval_scorecards WHERE tenant_id = ? AND agent_id = ? AND candidate = ?
     ORDER BY version DESC LIMIT 1`,
  );

  const create = db.transaction((input: NewScorecard): string => {
    const id = newId();
    insertScorecard.run({
      id,
      tenantId: input.tenantId,
      agentId: input.agentId,
      version: nextVersion.get(input.agentId, input.candidate)!,
      jobId: input.jobId,
      candidate: input.candidate,
      reference: input.reference,
      judge: input.judge,
      datasetId: input.datasetId,
      datasetHash: input.datasetHash,
      seed: input.seed,
      gatePassed: input.gatePassed ? 1 : 0,
      scorecard: toJsonText(input.scorecard, "scorecard"),
      createdAt: nowIso(),
    });
    return id;
  });

  return {
    putResult(jobId, result) {
      assertObject(result.result, "result");
      if (!Number.isInteger(result.ordinal) || result.ordinal < 0) {
        throw new ValidationError(
          `ordinal must be a whole number 0 or more, got ${String(result.ordinal)}`,
          [{ path: ["ordinal"], message: "expected an integer ≥ 0" }],
          "Number the job's tasks 0, 1, 2… in the order of its plan.",
        );
      }
      const text = toJsonText(result.result, "result");
      return insertResult.run(jobId, result.key, result.ordinal, text, nowIso()).changes === 1;
    },
    results(jobId, options = {}) {
      const limit = options.limit ?? maxResultsLimit;
      if (options.limit !== undefined) assertLimit(limit, maxResultsLimit);
      const out: EvalResult[] = [];
      let after = options.afterOrdinal ?? -1;
      // Without a limit, every result: read in pages so no statement holds the whole table at once.
      for (;;) {
        const page = results.all({ jobId, after, limit });
        for (const row of page)
          out.push({ key: row.key, ordinal: row.ordinal, result: fromJsonText(row.result) });
        if (options.limit !== undefined || page.length < limit) return out;
        after = page.at(-1)!.ordinal;
      }
    },
    countResults(jobId) {
      return countResults.get(jobId)!;
    },
    createScorecard(input) {
      assertObject(input.scorecard, "scorecard");
      const id = create.immediate(input);
      return toScorecard(byId.get(input.tenantId, id)!);
    },
    getScorecard(tenantId, id) {
      const row = byId.get(tenantId, id);
      return row && toScorecard(row);
    },
    listScorecards(tenantId, filter = {}) {
      return list
        .all({ tenantId, agentId: filter.agentId ?? null, candidate: filter.candidate ?? null })
        .map(toScorecard);
    },
    latestScorecard(tenantId, agentId, candidate) {
      const row = latest.get(tenantId, agentId, candidate);
      return row && toScorecard(row);
    },
  };
}

function toScorecard(row: ScorecardRow): ScorecardRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    version: row.version,
    jobId: row.job_id,
    candidate: row.candidate,
    reference: row.reference,
    judge: row.judge,
    datasetId: row.dataset_id,
    datasetHash: row.dataset_hash,
    seed: row.seed,
    gatePassed: row.gate_passed === 1,
    scorecard: fromJsonText(row.scorecard),
    createdAt: row.created_at,
  };
}

function assertObject(value: JsonValue, field: string): void {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return;
  throw new ValidationError(
    `${field} must be a JSON object`,
    [{ path: [field], message: "expected an object" }],
    `Pass the ${field} as a plain object.`,
  );
}
