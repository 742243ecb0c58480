/**
 * Synthetic-data plans and rows (see sqlite-synth.ts for the design): a row
 * points at its planned task, and (job, key) is its primary key, so `putRow`
 * is an idempotent INSERT … ON CONFLICT DO NOTHING across every worker.
 */
import type { SynthRow, SynthTask } from "../../spec/distill.js";
import { NotFoundError, StoreError, ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { KeptDropped, StoreRepositories, SynthCounts, TokenCounts } from "../../spec/store.js";
import { parseSynthRow } from "../parse-synth-row.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, nowIso, toJsonText } from "./postgres-values.js";

const maxPendingLimit = 10_000;

interface CountRow {
  dropped: string | null;
  language: string;
  intent: string;
  n: number;
  input_tokens: number;
  output_tokens: number;
  judge_input_tokens: number;
  judge_output_tokens: number;
}

export function createPostgresSynth(sql: Sql): StoreRepositories["synth"] {
  const columns = (jobId: string, row: SynthRow) => [
    jobId,
    row.key,
    row.dropped,
    row.provenance.language,
    row.intent,
    row.usage.inputTokens,
    row.usage.outputTokens,
    toJsonText(row as unknown as JsonValue, "row"),
    nowIso(),
  ];
  return {
    async putPlan(jobId, tasks) {
      tasks.forEach(assertTask);
      const cells = tasks.map((task, i) => toJsonText(task.cell as JsonValue, `tasks[${i}].cell`));
      await sql.atomic(async (tx) => {
        // Locks the job row: two planners of one job wait for each other, and the second sees the plan.
        await tx.query("SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE", [jobId]);
        const [planned] = await tx.query("SELECT 1 FROM synth_tasks WHERE job_id = $1 LIMIT 1", [jobId]);
        if (planned) {
          throw new StoreError("check", `synthetic-data job ${jobId} already has a plan`, {
            hint: "A job is planned once; resume it (its plan is kept) or start a new job.",
          });
        }
        await tx.query(
          `INSERT INTO synth_tasks (job_id, ordinal, key, kind, cell)
           SELECT $1, t.ordinal - 1, t.key, t.kind, t.cell::json
           FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(key, kind, cell, ordinal)`,
          [jobId, tasks.map((t) => t.key), tasks.map((t) => t.kind), cells],
        );
      });
    },
    async pendingTasks(jobId, { afterOrdinal, limit }) {
      assertLimit(limit, maxPendingLimit);
      const rows = await sql.query<{
        ordinal: number;
        key: string;
        kind: SynthTask["kind"];
        cell: SynthTask["cell"];
      }>(
        `SELECT t.ordinal, t.key, t.kind, t.cell FROM synth_tasks t
         WHERE t.job_id = $1 AND t.ordinal > $2
           AND NOT EXISTS (SELECT 1 FROM synth_rows r WHERE r.job_id = t.job_id AND r.key = t.key)
         ORDER BY t.ordinal LIMIT $3`,
        [jobId, afterOrdinal ?? -1, limit],
      );
      return rows.map((task) => ({ ordinal: task.ordinal, key: task.key, kind: task.kind, cell: task.cell }));
    },
    async putRow(jobId, row, judgeUsage) {
      const parsed = parseSynthRow(row, "synth.putRow");
      const judge = checkedUsage(judgeUsage ?? { inputTokens: 0, outputTokens: 0 });
      const written = await sql.query(
        `INSERT INTO synth_rows (job_id, key, dropped, language, intent, input_tokens, output_tokens, row,
           created_at, updated_at, judge_input_tokens, judge_output_tokens)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)
         ON CONFLICT (job_id, key) DO NOTHING RETURNING key`,
        [...columns(jobId, parsed), judge.inputTokens, judge.outputTokens],
      );
      return written.length === 1;
    },
    async updateRow(jobId, row) {
      const parsed = parseSynthRow(row, "synth.updateRow");
      const done = await sql.query(
        `UPDATE synth_rows SET dropped = $3, language = $4, intent = $5, input_tokens = $6, output_tokens = $7,
           row = $8, updated_at = $9
         WHERE job_id = $1 AND key = $2 RETURNING key`,
        columns(jobId, parsed),
      );
      if (done.length === 0) throw new NotFoundError("synthetic-data row", `${jobId}/${parsed.key}`);
    },
    getRow: async (jobId, key) =>
      (
        await sql.query<{ row: SynthRow }>("SELECT row FROM synth_rows WHERE job_id = $1 AND key = $2", [
          jobId,
          key,
        ])
      )[0]?.row,
    async listRows(jobId, options = {}) {
      if (options.limit !== undefined) assertLimit(options.limit, Number.MAX_SAFE_INTEGER);
      const rows = await sql.query<{ row: SynthRow }>(
        `SELECT row FROM synth_rows
         WHERE job_id = $1 AND ($2::text IS NULL OR ($2 = 'kept') = (dropped IS NULL))
           AND ($3::text IS NULL OR key > $3)
         ORDER BY key LIMIT $4`,
        [jobId, options.status ?? null, options.afterKey ?? null, options.limit ?? null],
      );
      return rows.map((r) => r.row);
    },
    async counts(jobId) {
      const [plan] = await sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM synth_tasks WHERE job_id = $1",
        [jobId],
      );
      const counts: SynthCounts = {
        planned: plan?.n ?? 0,
        rows: 0,
        kept: 0,
        dropped: {},
        byLanguage: {},
        byIntent: {},
        usage: { teacher: zero(), judge: zero() },
      };
      const rows = await sql.query<CountRow>(
        `SELECT dropped, language, intent, count(*)::int AS n,
           sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
           sum(judge_input_tokens)::bigint AS judge_input_tokens, sum(judge_output_tokens)::bigint AS judge_output_tokens
         FROM synth_rows WHERE job_id = $1 GROUP BY dropped, language, intent`,
        [jobId],
      );
      for (const row of rows) {
        counts.rows += row.n;
        const kept = row.dropped === null;
        if (kept) counts.kept += row.n;
        else {
          const reason = row.dropped as keyof SynthCounts["dropped"];
          counts.dropped[reason] = (counts.dropped[reason] ?? 0) + row.n;
        }
        tally(counts.byLanguage, row.language, kept, row.n);
        tally(counts.byIntent, row.intent, kept, row.n);
        counts.usage.teacher.inputTokens += row.input_tokens;
        counts.usage.teacher.outputTokens += row.output_tokens;
        counts.usage.judge.inputTokens += row.judge_input_tokens;
        counts.usage.judge.outputTokens += row.judge_output_tokens;
      }
      return counts;
    },
  };
}

function zero(): TokenCounts {
  return { inputTokens: 0, outputTokens: 0 };
}

function tally(into: Record<string, KeptDropped>, name: string, kept: boolean, n: number): void {
  const slot = into[name] ?? { kept: 0, dropped: 0 };
  into[name] = slot;
  if (kept) slot.kept += n;
  else slot.dropped += n;
}

function assertTask(task: SynthTask, index: number): void {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (typeof task.key !== "string" || task.key.length === 0) {
    problems.push({ path: ["tasks", index, "key"], message: "expected a non-empty string" });
  }
  if (typeof task.cell !== "object" || task.cell === null || Array.isArray(task.cell)) {
    problems.push({ path: ["tasks", index, "cell"], message: "expected an object" });
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `task ${index} of the plan is invalid: ${problems.map((p) => p.message).join("; ")}`,
      problems,
      "Each task needs a non-empty key and a cell object (see SynthTask in src/spec/distill.ts).",
    );
  }
}

function checkedUsage(usage: TokenCounts): TokenCounts {
  for (const [name, value] of Object.entries(usage)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValidationError(
        `judge usage ${name} must be a whole number of tokens, 0 or more, got ${String(value)}`,
        [{ path: ["judgeUsage", name], message: "expected an integer >= 0" }],
        "Pass the judge's token counts as reported by the model.",
      );
    }
  }
  return usage;
}
