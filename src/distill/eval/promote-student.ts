/**
 * Promotion: an agent starts answering with a student, when the student's
 * latest scorecard on that agent meets the agent's gate as it is now
 * (`evaluation.gate`, or the defaults). `force` with a reason overrides a
 * failing or missing scorecard. The agent's spec and the promotion record
 * (who, when, which scorecard, forced or not, why) change in one transaction;
 * `rollbackStudent` undoes the latest promotion not yet undone.
 */

import { AlambiqueError, NotFoundError, UsageError } from "../../spec/errors.js";
import { defaultEvalGate, type GateResult, scorecardSchema } from "../../spec/evaluation.js";
import type { JsonValue } from "../../spec/json.js";
import type { AgentPromotion, ScorecardRecord, Store } from "../../spec/store.js";
import { loadAgent } from "../pipeline/load-synth-context.js";
import { applyEvalGate } from "./apply-eval-gate.js";

export interface PromoteRequest {
  tenantId: string;
  /** The agent's id or name. */
  agent: string;
  /** The student's catalog name. */
  student: string;
  /** Who promotes (recorded). */
  actor: string;
  force?: boolean;
  /** Required with `force`; recorded. */
  why?: string;
}

export interface PromoteResult {
  promotion: AgentPromotion;
  scorecard: ScorecardRecord | null;
  /** The gate as checked now; null when there was no scorecard (a forced promotion). */
  gate: GateResult | null;
}

/**
 * Throws UsageError (`force` without a reason; the agent already answers with
 * it), NotFoundError (agent, model), AlambiqueError `no_scorecard` and
 * `gate_not_met` (409, with every failed criterion and by how much).
 */
export async function promoteStudent(store: Store, request: PromoteRequest): Promise<PromoteResult> {
  const why = request.why?.trim() || null;
  if (request.force && !why)
    throw new UsageError(
      "--force needs --why TEXT: an override is recorded with its reason",
      '--force --why "…"',
    );
  const agent = await loadAgent(store, request.tenantId, request.agent);
  if (!(await store.models.get(request.student)))
    throw new NotFoundError("model", request.student, "`alambique students list` shows the students");
  if (agent.spec.model === request.student)
    throw new UsageError(`${agent.name} already answers with ${request.student}`, "nothing to promote");

  const scorecard =
    (await store.evaluations.latestScorecard(request.tenantId, agent.id, request.student)) ?? null;
  const evaluate = `alambique eval run --agent ${agent.name} --candidate ${request.student} --reference ${agent.spec.model ?? "TEACHER"}`;
  if (!scorecard && !request.force) {
    throw new AlambiqueError(
      `${request.student} has no scorecard on ${agent.name}: it has not been shown to do the job`,
      {
        code: "no_scorecard",
        retryable: false,
        hint: `evaluate it first: \`${evaluate}\` (or promote it anyway with --force --why TEXT, recorded)`,
      },
    );
  }
  let gate: GateResult | null = null;
  if (scorecard) {
    const { gate: _stored, ...card } = scorecardSchema.parse(scorecard.scorecard);
    gate = applyEvalGate(card, agent.spec.evaluation?.gate ?? defaultEvalGate);
    if (!gate.passed && !request.force) {
      throw new AlambiqueError(
        `${request.student} does not meet ${agent.name}'s gate (scorecard ${scorecard.id}, version ${scorecard.version}): ${gate.failures.join("; ")}`,
        {
          code: "gate_not_met",
          retryable: false,
          hint: `improve the student (more or better data, more epochs) and evaluate again (\`${evaluate}\`), or promote it anyway with --force --why TEXT (recorded)`,
        },
      );
    }
  }
  const promotion = await changeModel(store, request.tenantId, agent.id, request.student, {
    action: "promote",
    scorecardId: scorecard?.id ?? null,
    forced: gate === null || !gate.passed,
    why,
    actor: request.actor,
    revertsId: null,
  });
  return { promotion, scorecard, gate };
}

/**
 * Restores the model the agent had before its latest promotion that has not
 * been rolled back yet (so rolling back twice undoes two promotions). Throws
 * NotFoundError (agent), AlambiqueError `nothing_to_roll_back` (409).
 */
export async function rollbackStudent(
  store: Store,
  request: { tenantId: string; agent: string; actor: string; why?: string },
): Promise<{ promotion: AgentPromotion; undone: AgentPromotion }> {
  const agent = await loadAgent(store, request.tenantId, request.agent);
  const history = await store.promotions.list(request.tenantId, agent.id);
  const reverted = new Set(history.flatMap((p) => (p.revertsId ? [p.revertsId] : [])));
  const undone = history.filter((p) => p.action === "promote" && !reverted.has(p.id)).at(-1);
  if (!undone) {
    throw new AlambiqueError(`${agent.name} has no promotion left to roll back`, {
      code: "nothing_to_roll_back",
      retryable: false,
      hint: `\`alambique students promote NAME --agent ${agent.name}\` changes its model; its spec's \`model:\` can be edited too`,
    });
  }
  const promotion = await changeModel(store, request.tenantId, agent.id, undone.previousModel, {
    action: "rollback",
    scorecardId: null,
    forced: false,
    why: request.why?.trim() || null,
    actor: request.actor,
    revertsId: undone.id,
  });
  return { promotion, undone };
}

/** The agent's `model` and the record of the change, together or not at all. */
async function changeModel(
  store: Store,
  tenantId: string,
  agentId: string,
  model: string | null,
  change: Pick<AgentPromotion, "action" | "scorecardId" | "forced" | "why" | "actor" | "revertsId">,
): Promise<AgentPromotion> {
  return store.transaction(async (tx) => {
    const record = await tx.agents.get(tenantId, agentId);
    if (!record) throw new NotFoundError("agent", agentId);
    const previous = typeof record.spec.model === "string" ? record.spec.model : null;
    const { model: _old, ...rest } = record.spec;
    const spec: Record<string, JsonValue> = model === null ? rest : { ...rest, model };
    await tx.agents.update(tenantId, agentId, spec);
    return tx.promotions.record({ tenantId, agentId, model, previousModel: previous, ...change });
  });
}
