/**
 * Stage 5: promote the student when its scorecard met the agent's gate
 * (`promoteStudent`: the agent's model and the promotion record change
 * together, recorded as made by whoever started the loop); otherwise record
 * the failed criteria, by how much, and keep the student unpromoted. A
 * promotion made by a session that died before recording it is found in
 * the agent's history, not made twice.
 */
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import { scorecardSchema } from "../../spec/evaluation.js";
import { promoteStudent } from "../eval/promote-student.js";
import type { StageContext, StageResult } from "./stage-context.js";

export async function promoteStage(ctx: StageContext): Promise<StageResult> {
  const { store, session, payload, tenantId } = ctx;
  const scorecardId = session.checkpointState.scorecardId!;
  const record = await store.evaluations.getScorecard(tenantId, scorecardId);
  if (!record) throw new NotFoundError("scorecard", scorecardId);
  const { gate } = scorecardSchema.parse(record.scorecard);
  if (gate.passed) await promote(ctx, scorecardId);
  else await session.checkpoint({ stage: "done", gate: { passed: false, failures: gate.failures } });
  ctx.emit({
    type: "stage",
    stage: "promote",
    jobId: null,
    resumed: false,
    detail: session.checkpointState.promotion
      ? `promoted: ${payload.agent.name} now answers with ${payload.student}`
      : `not promoted: ${payload.student} does not meet ${payload.agent.name}'s gate`,
  });
  return undefined;
}

async function promote(ctx: StageContext, scorecardId: string): Promise<void> {
  const { store, session, payload, tenantId } = ctx;
  const history = await store.promotions.list(tenantId, payload.agent.id);
  const earlier = history.find(
    (p) => p.action === "promote" && p.model === payload.student && p.scorecardId === scorecardId,
  );
  try {
    const promotion =
      earlier ??
      (
        await promoteStudent(store, {
          tenantId,
          agent: payload.agent.id,
          student: payload.student,
          actor: payload.actor,
        })
      ).promotion;
    await session.checkpoint({
      stage: "done",
      gate: { passed: true, failures: [] },
      promotion: { id: promotion.id, seq: promotion.seq },
    });
  } catch (error) {
    // The agent's gate changed after the evaluation and this scorecard no longer meets it.
    if (!(AlambiqueError.isInstance(error) && error.code === "gate_not_met")) throw error;
    await session.checkpoint({ stage: "done", gate: { passed: false, failures: [error.message] } });
  }
}
