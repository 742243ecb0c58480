import type { RowProvenance } from "../../spec/distill.js";
import type { Message } from "../../spec/store.js";
import { dislikedForTraining, shadowTarget } from "./flywheel-correction.js";

export type FlywheelSignal = NonNullable<RowProvenance["signals"]>[number];

/**
 * What makes a real conversation worth learning from (the flywheel): a turn
 * the student escalated to the teacher (its stored answer is the teacher's:
 * the target the student missed), a person taking the conversation over, an
 * answer the customer gave a thumbs down (one the feedback cap did not set
 * aside), a shadow answer of the teacher (with words) the student's answer
 * disagreed with. In a fixed order, without repeats.
 */
export function flywheelSignals(messages: readonly Message[]): FlywheelSignal[] {
  const signals: FlywheelSignal[] = [];
  if (messages.some((m) => m.role === "assistant" && escalated(m))) signals.push("escalation");
  if (messages.some((m) => m.role === "human")) signals.push("takeover");
  if (messages.some((m) => m.role === "assistant" && dislikedForTraining(m))) signals.push("thumbs_down");
  if (messages.some((m) => m.role === "assistant" && shadowTarget(m) !== undefined))
    signals.push("shadow_disagreement");
  return signals;
}

/**
 * The teacher answered because the student was unsure. Not a turn of a
 * conversation on the canary's teacher-only side, nor one answered while the
 * student's file was missing: the student never tried, nothing says it missed.
 */
function escalated(message: Message): boolean {
  const routing = message.metadata.routing as { answeredBy?: unknown; reasons?: unknown } | undefined;
  if (routing?.answeredBy !== "teacher") return false;
  const reasons = Array.isArray(routing.reasons) ? routing.reasons : [];
  return reasons.length === 0 || reasons.some((r) => r !== "canary" && r !== "student_unavailable");
}
