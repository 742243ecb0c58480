import type { RowProvenance } from "../../spec/distill.js";
import type { Message } from "../../spec/store.js";

export type FlywheelSignal = NonNullable<RowProvenance["signals"]>[number];

/**
 * What makes a real conversation worth learning from (the flywheel): a turn
 * the student escalated to the teacher (its stored answer is the teacher's:
 * the target the student missed), a person taking the conversation over, an
 * answer the customer gave a thumbs down. In a fixed order, without repeats.
 */
export function flywheelSignals(messages: readonly Message[]): FlywheelSignal[] {
  const signals: FlywheelSignal[] = [];
  const routed = (m: Message) => (m.metadata.routing as { answeredBy?: unknown } | undefined)?.answeredBy;
  if (messages.some((m) => m.role === "assistant" && routed(m) === "teacher")) signals.push("escalation");
  if (messages.some((m) => m.role === "human")) signals.push("takeover");
  if (messages.some((m) => m.role === "assistant" && m.feedback === "down")) signals.push("thumbs_down");
  return signals;
}
