/**
 * Evaluation results and scorecards (see sqlite-evaluations.ts). A result is
 * written with ON CONFLICT DO NOTHING on (job, key); a scorecard's version is
 * numbered under a lock on its agent's row, and a trigger refuses any change
 * to a stored scorecard (migration 3).
 */
import { ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { EvalResult, ScorecardRecord, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, iso, nowIso, toJsonText } from "./postgres-values.js";

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
  gate_passed: boolean;
  scorecard: Record<string, JsonValue>;
  created_at: Date;
}

const maxResultsLimit = 10_000;

export function createPostgresEvaluations(sql: Sql): StoreRepositories["evaluations"] {
  const scorecards = async (text: string, values: unknown[], on: Sql = sql) =>
    (await on.query<ScorecardRow>(text, values)).map(toScorecard);
  return {
    async putResult(jobId, result) {
      assertObject(result.result, "result");
      if (!Number.isInteger(result.ordinal) || result.ordinal < 0) {
        throw new ValidationError(
          `ordinal must be a whole number 0 or more, got ${String(result.ordinal)}`,
          [{ path: ["ordinal"], message: "expected an integer ≥ 0" }],
          "Number the job's tasks 0, 1, 2… in the order of its plan.",
        );
      }
      const written = await sql.query(
        `INSERT INTO eval_results (job_id, key, ordinal, result, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job_id, key) DO NOTHING RETURNING key`,
        [jobId, result.key, result.ordinal, toJsonText(result.result, "result"), nowIso()],
      );
      return written.length === 1;
    },
    async results(jobId, options = {}) {
      if (options.limit !== undefined) assertLimit(options.limit, maxResultsLimit);
      const rows = await sql.query<EvalResult>(
        `SELECT key, ordinal, result FROM eval_results WHERE job_id = $1 AND ordinal > $2
         ORDER BY ordinal, key LIMIT $3`,
        [jobId, options.afterOrdinal ?? -1, options.limit ?? null],
      );
      return rows.map((row) => ({ key: row.key, ordinal: row.ordinal, result: row.result }));
    },
    countResults: async (jobId) =>
      (
        await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM eval_results WHERE job_id = $1", [
          jobId,
        ])
      )[0]!.n,
    async createScorecard(input) {
      assertObject(input.scorecard, "scorecard");
      const scorecard = toJsonText(input.scorecard, "scorecard");
      return sql.atomic(async (tx) => {
        // Locks the agent (of this tenant): two scorecards of one agent take consecutive versions.
        await tx.query("SELECT 1 FROM agents WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [
          input.tenantId,
          input.agentId,
        ]);
        const [card] = await scorecards(
          `INSERT INTO eval_scorecards (id, tenant_id, agent_id, version, job_id, candidate, reference, judge,
             dataset_id, dataset_hash, seed, gate_passed, scorecard, created_at)
           SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
           FROM eval_scorecards WHERE agent_id = $3 AND candidate = $5
           RETURNING *`,
          [
            newId(),
            input.tenantId,
            input.agentId,
            input.jobId,
            input.candidate,
            input.reference,
            input.judge,
            input.datasetId,
            input.datasetHash,
            input.seed,
            input.gatePassed,
            scorecard,
            nowIso(),
          ],
          tx,
        );
        return card!;
      });
    },
    getScorecard: async (tenantId, id) =>
      (await scorecards("SELECT * FROM eval_scorecards WHERE tenant_id = $1 AND id = $2", [tenantId, id]))[0],
    listScorecards: (tenantId, filter = {}) =>
      scorecards(
        `SELECT * FROM eval_scorecards WHERE tenant_id = $1
           AND ($2::text IS NULL OR agent_id = $2) AND ($3::text IS NULL OR candidate = $3)
         ORDER BY created_at, id`,
        [tenantId, filter.agentId ?? null, filter.candidate ?? null],
      ),
    latestScorecard: async (tenantId, agentId, candidate) =>
      (
        await scorecards(
          `SELECT * FROM eval_scorecards WHERE tenant_id = $1 AND agent_id = $2 AND candidate = $3
           ORDER BY version DESC LIMIT 1`,
          [tenantId, agentId, candidate],
        )
      )[0],
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
    gatePassed: row.gate_passed,
    scorecard: row.scorecard,
    createdAt: iso(row.created_at),
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
