/** `eval list | show | export | compare`: reading stored scorecards. */
import { writeFileSync } from "node:fs";
import { scorecardHtml } from "../../distill/eval/scorecard-html.js";
import { scorecardMetrics } from "../../distill/eval/scorecard-metrics.js";
import { NotFoundError, UsageError } from "../../spec/errors.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";
import { findScorecard } from "./find-scorecard.js";
import { formatComparison, formatScorecard } from "./format-scorecard.js";

async function open(context: CliContext) {
  const store = await context.store();
  return { store, tenantId: (await defaultTenant(store)).id };
}

export async function listScorecardsForCli(context: CliContext, options: { agent?: string; json?: boolean }) {
  const { store, tenantId } = await open(context);
  let agentId: string | undefined;
  if (options.agent !== undefined) {
    const agent = await store.agents.getByName(tenantId, options.agent);
    if (!agent) throw new NotFoundError("agent", options.agent, "`alambique agents list` shows the agents");
    agentId = agent.id;
  }
  const all = await store.evaluations.listScorecards(tenantId, agentId ? { agentId } : {});
  const view = all.map((s) => ({
    id: s.id,
    version: s.version,
    candidate: s.candidate,
    reference: s.reference,
    judge: s.judge,
    gatePassed: s.gatePassed,
    createdAt: s.createdAt,
  }));
  if (options.json) return context.io.out(JSON.stringify(view, null, 2));
  if (view.length === 0)
    return context.io.out(
      "No scorecards yet: `alambique eval run --agent A --candidate STUDENT --reference TEACHER`.",
    );
  context.io.out(
    formatTable([
      ["ID", "CANDIDATE", "VERSION", "REFERENCE", "JUDGE", "GATE", "CREATED"],
      ...view.map((s) => [
        s.id.slice(0, 13),
        s.candidate,
        String(s.version),
        s.reference,
        s.judge,
        s.gatePassed ? "passed" : "not passed",
        s.createdAt,
      ]),
    ]),
  );
}

export async function showScorecardForCli(context: CliContext, id: string, options: { json?: boolean }) {
  const { store, tenantId } = await open(context);
  const { record, card } = await findScorecard(store, tenantId, id);
  if (options.json) return context.io.out(JSON.stringify({ ...record, scorecard: card }, null, 2));
  context.io.out(formatScorecard(record, card));
}

export async function exportScorecardForCli(
  context: CliContext,
  id: string,
  options: { format: string; out?: string },
) {
  if (options.format !== "json" && options.format !== "html")
    throw new UsageError(
      `--format: ${options.format} is not json or html`,
      "--format json, or --format html for a page with charts",
    );
  const { store, tenantId } = await open(context);
  const { record, card } = await findScorecard(store, tenantId, id);
  const text =
    options.format === "json"
      ? `${JSON.stringify({ ...record, scorecard: card }, null, 2)}\n`
      : scorecardHtml(card, { id: record.id, version: record.version, createdAt: record.createdAt });
  if (options.out === undefined) return context.io.write(text);
  writeFileSync(options.out, text);
  context.io.err(`wrote ${options.out}`);
}

export async function compareScorecardsForCli(
  context: CliContext,
  a: string,
  b: string,
  options: { json?: boolean },
) {
  const { store, tenantId } = await open(context);
  const left = await findScorecard(store, tenantId, a);
  const right = await findScorecard(store, tenantId, b);
  if (!options.json) return context.io.out(formatComparison(left, right));
  const metrics = scorecardMetrics(left.card).map((m, i) => {
    const other = scorecardMetrics(right.card)[i]!;
    return {
      metric: m.metric,
      a: m.value,
      b: other.value,
      delta: m.value !== null && other.value !== null ? other.value - m.value : null,
    };
  });
  context.io.out(
    JSON.stringify(
      {
        a: { id: left.record.id, candidate: left.card.candidate, gate: left.card.gate.passed },
        b: { id: right.record.id, candidate: right.card.candidate, gate: right.card.gate.passed },
        metrics,
      },
      null,
      2,
    ),
  );
}
