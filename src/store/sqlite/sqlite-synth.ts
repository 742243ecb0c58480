/**
 * Synthetic-data jobs' plans and rows (see `StoreRepositories.synth`). A row
 * points at its planned task (foreign key), so a row can only exist for a
 * task of the plan, and (job, key) is unique, so `putRow` is an idempotent
 * `INSERT … ON CONFLICT DO NOTHING`: a worker resumed after a crash, or two
 * workers racing after a lease expired, never write a row twice.
 *
 * The columns beside the row's JSON (dropped, language, intent, tokens) are
 * copies kept for filtering and counting without parsing JSON.
 */
import type { Database } from "better-sqlite3";
import type { SynthRow, SynthTask } from "../../spec/distill.js";
import { NotFoundError, StoreError, ValidationError } from "../../spec/errors.js";
import type { KeptDropped, SynthCounts, TokenCounts } from "../../spec/store.js";
import { parseSynthRow } from "../parse-synth-row.js";
import { assertLimit } from "./assert-limit.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

/** Most tasks one `pendingTasks` call returns. */
const maxPendingLimit = 10_000;

interface TaskRow {
  ordinal: number;
  key: string;
  kind: SynthTask["kind"];
  cell: string;
}

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

export function createSqliteSynth(db: Database): SyncRepositories["synth"] {
  const planSize = db.prepare<[string], number>("SELECT count(*) FROM synth_tasks WHERE job_id = ?").pluck();
  const insertTask = db.prepare<[string, number, string, string, string]>(
    "INSERT INTO synth_tasks (job_id, ordinal, key, kind, cell) VALUES (?, ?, ?, ?, ?)",
  );
  const pending = db.prepare<[{ jobId: string; after: number; limit: number }], TaskRow>(
    `SELECT t.ordinal, t.key, t.kind, t.cell FROM synth_tasks t
     WHERE t.job_id = @jobId AND t.ordinal > @after
       AND NOT EXISTS (SELECT 1 FROM synth_rows r WHERE r.job_id = t.job_id AND r.key = t.key)
     ORDER BY t.ordinal LIMIT @limit`,
  );
  const insertRow = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO synth_rows (job_id, key, dropped, language, intent, input_tokens, output_tokens,
       judge_input_tokens, judge_output_tokens, row, created_at, updated_at)
     VALUES (@jobId, @key, @dropped, @language, @intent, @inputTokens, @outputTokens,
       @judgeInputTokens, @judgeOutputTokens, @row, @now, @now)
     ON CONFLICT (job_id, key) DO NOTHING`,
  );
  const updateRow = db.prepare<[Record<string, unknown>]>(
    `UPDATE synth_rows SET dropped = @dropped, language = @language, intent = @intent,
       input_tokens = @inputTokens, output_tokens = @outputTokens, row = @row, updated_at = @now
     WHERE job_id = @jobId AND key = @key`,
  );
  const getRow = db
    .prepare<[string, string], string>("SELECT row FROM synth_rows WHERE job_id = ? AND key = ?")
    .pluck();
  const listRows = db
    .prepare<[{ jobId: string; status: string | null; afterKey: string | null; limit: number }], string>(
      `SELECT row FROM synth_rows
     WHERE job_id = @jobId
       AND (@status IS NULL OR (@status = 'kept') = (dropped IS NULL))
       AND (@afterKey IS NULL OR key > @afterKey)
     ORDER BY key LIMIT @limit`,
    )
    .pluck();
  const countRows = db.prepare<[string], CountRow>(
    `SELECT dropped, language, intent, count(*) AS n,
       sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
       sum(judge_input_tokens) AS judge_input_tokens, sum(judge_output_tokens) AS judge_output_tokens
     FROM synth_rows WHERE job_id = ? GROUP BY dropped, language, intent`,
  );

  const putPlan = db.transaction((jobId: string, tasks: SynthTask[]) => {
    if (planSize.get(jobId)! > 0) {
      throw new StoreError("check", `synthetic-data job ${jobId} already has a plan`, {
        hint: "A job is planned once; resume it (its plan is kept) or start a new job.",
      });
    }
    tasks.forEach((task, ordinal) => {
      insertTask.run(jobId, ordinal, task.key, task.kind, toJsonText(task.cell, `tasks[${ordinal}].cell`));
    });
  });

  const columns = (jobId: string, row: SynthRow) => ({
    jobId,
    key: row.key,
    dropped: row.dropped,
    language: row.provenance.language,
    intent: row.intent,
    inputTokens: row.usage.inputTokens,
    outputTokens: row.usage.outputTokens,
    row: toJsonText(row, "row"),
    now: nowIso(),
  });

  return {
    putPlan(jobId, tasks) {
      tasks.forEach(assertTask);
      putPlan.immediate(jobId, tasks);
    },
    pendingTasks(jobId, { afterOrdinal, limit }) {
      assertLimit(limit, maxPendingLimit);
      return pending.all({ jobId, after: afterOrdinal ?? -1, limit }).map((task) => ({
        ordinal: task.ordinal,
        key: task.key,
        kind: task.kind,
        cell: fromJsonText(task.cell),
      }));
    },
    putRow(jobId, row, judgeUsage) {
      const parsed = parseSynthRow(row, "synth.putRow");
      const judge = checkedUsage(judgeUsage ?? { inputTokens: 0, outputTokens: 0 });
      const result = insertRow.run({
        ...columns(jobId, parsed),
        judgeInputTokens: judge.inputTokens,
        judgeOutputTokens: judge.outputTokens,
      });
      return result.changes === 1;
    },
    updateRow(jobId, row) {
      const parsed = parseSynthRow(row, "synth.updateRow");
      if (updateRow.run(columns(jobId, parsed)).changes === 0) {
        throw new NotFoundError("synthetic-data row", `${jobId}/${parsed.key}`);
      }
    },
    getRow(jobId, key) {
      const text = getRow.get(jobId, key);
      return text === undefined ? undefined : (fromJsonText<never>(text) as SynthRow);
    },
    listRows(jobId, options = {}) {
      if (options.limit !== undefined) assertLimit(options.limit, Number.MAX_SAFE_INTEGER);
      return listRows
        .all({
          jobId,
          status: options.status ?? null,
          afterKey: options.afterKey ?? null,
          limit: options.limit ?? -1,
        })
        .map((text) => fromJsonText<never>(text) as SynthRow);
    },
    counts(jobId) {
      const counts: SynthCounts = {
        planned: planSize.get(jobId)!,
        rows: 0,
        kept: 0,
        dropped: {},
        byLanguage: {},
        byIntent: {},
        usage: { teacher: zero(), judge: zero() },
      };
      for (const row of countRows.all(jobId)) {
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
