import { redactPii } from "../../safety/redact-pii.js";
import type { ShadowRecord } from "../../spec/routing.js";
import type { Message } from "../../spec/store.js";

/**
 * Where a real conversation was corrected, and by whom: the row it gives
 * ends there, with the correction as the target.
 *
 * - `thumbs_down`: the customer disliked an answer (a rating that counts:
 *   not over the feedback cap); the teacher answers that message afresh
 *   (`before`: the conversation up to it).
 * - `replace`: the answer of one turn is replaced by a better one, `text`: a
 *   person's reply after taking the conversation over (the staff's messages
 *   in a row, joined), or the teacher's shadow answer the student's answer
 *   disagreed with. `kept` are the messages before the replaced answer,
 *   `question` the customer's messages it answers (those after the replaced
 *   answer, until the person replied, included), `promptFrom` the answer
 *   whose retrieved passages make the system prompt.
 *
 * The earliest correction wins (the row ends with it); undefined when there
 * is none. `messages` excludes stateless-request copies (see plan-tasks.ts).
 */
export type FlywheelCorrection =
  | { kind: "thumbs_down"; before: Message[] }
  | {
      kind: "replace";
      signal: "takeover" | "shadow_disagreement";
      kept: Message[];
      question: Message[];
      text: string;
      promptFrom: Message | undefined;
    };

export function flywheelCorrection(messages: readonly Message[]): FlywheelCorrection | undefined {
  const staff = messages.findIndex((m) => m.role === "human");
  const upToStaff = staff < 0 ? messages : messages.slice(0, staff);
  const disliked = upToStaff.findIndex((m) => m.role === "assistant" && dislikedForTraining(m));
  const shadowed = upToStaff.findIndex((m) => m.role === "assistant" && shadowTarget(m) !== undefined);
  const first = Math.min(
    ...[disliked > 0 ? disliked : -1, shadowed, staff].filter((i) => i >= 0),
    Number.POSITIVE_INFINITY,
  );
  if (first === Number.POSITIVE_INFINITY) return undefined;
  if (first === disliked) return { kind: "thumbs_down", before: upToStaff.slice(0, disliked) };
  if (first === shadowed) {
    const answer = upToStaff[shadowed]!;
    const asked = lastIndex(upToStaff.slice(0, shadowed), (m) => m.role !== "user") + 1;
    return {
      kind: "replace",
      signal: "shadow_disagreement",
      kept: upToStaff.slice(0, asked),
      question: upToStaff.slice(asked, shadowed).filter((m) => m.role === "user"),
      text: shadowTarget(answer)!,
      promptFrom: answer,
    };
  }
  // A person replied: their reply replaces the agent's last answer (or hand-off) before it.
  const replies = messages.slice(staff);
  const end = replies.findIndex((m) => m.role !== "human");
  const text = (end < 0 ? replies : replies.slice(0, end))
    .map((m) => withoutStaffName(redactPii(m.content).text, m.metadata.staff).trim())
    .filter((t) => t !== "")
    .join("\n\n");
  const answered = lastIndex(upToStaff, (m) => m.role === "assistant");
  const asked = lastIndex(upToStaff.slice(0, Math.max(answered, 0)), (m) => m.role !== "user") + 1;
  const from = answered < 0 ? lastIndex(upToStaff, (m) => m.role !== "user") + 1 : asked;
  return {
    kind: "replace",
    signal: "takeover",
    kept: upToStaff.slice(0, from),
    question: upToStaff.slice(from).filter((m) => m.role === "user"),
    text,
    promptFrom: answered < 0 ? undefined : upToStaff[answered],
  };
}

/** A thumbs down that may teach: not one the feedback cap set aside (`metadata.feedbackCapped`). */
export function dislikedForTraining(message: Message): boolean {
  return message.feedback === "down" && message.metadata.feedbackCapped !== true;
}

/** The teacher's shadow answer when the student's shown answer disagreed with it and it has words. */
export function shadowTarget(message: Message): string | undefined {
  const shadow = message.metadata.shadow as Partial<ShadowRecord> | undefined;
  const text = shadow?.teacher?.text;
  return shadow?.status === "compared" && shadow.disagrees === true && typeof text === "string" && text.trim()
    ? text
    : undefined;
}

/**
 * The person's own name (`metadata.staff`, as the customer saw it) masked in
 * their reply: the student must learn what they said, not to be them.
 */
export function withoutStaffName(text: string, staff: unknown): string {
  if (typeof staff !== "string") return text;
  const names = staff
    .split("@")[0]!
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length >= 3)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (names.length === 0) return text;
  return text.replace(new RegExp(`(?<!\\p{L})(${names.join("|")})(?!\\p{L})`, "giu"), "[name]");
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
