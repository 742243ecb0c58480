import { createHash } from "node:crypto";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { Routing, RoutingReason, RoutingRecord } from "../../spec/routing.js";
import type { Message } from "../../spec/store.js";
import { isToolError } from "../tools/tool-result.js";
import { type GeneratedAnswer, generateAnswer } from "./generate-answer.js";
import type { ModelCall } from "./prepare-model-call.js";
import type { StudentHealth } from "./turn-types.js";

/** Asks llama.cpp for the probability of each token the student chose (other engines ignore it). */
const measureConfidence = { llamacpp: { tokenConfidence: true } };

/**
 * Step 6 with a student and a teacher (`routing` in the agent's spec): the
 * student answers unless the turn is not its (`canary`), its file is missing
 * or does not load (`student_unavailable`), the documents are
 * too weak for it (retrieval confidence), or the customer repeats their last
 * question; then it answers in full but unseen, and its answer is shown only
 * if it was sure of it (mean token probability), called its tools correctly
 * and said something. Otherwise the teacher answers, streamed, from the same
 * prepared call. A student that already acted (a tool with side effects ran)
 * keeps the turn: the teacher would act twice. Usage is both models'.
 */
export async function generateStudentFirst(input: {
  student: LanguageModelV3;
  teacher: LanguageModelV3;
  routing: Routing;
  call: ModelCall;
  maxSteps: number;
  retrievalConfidence: number;
  message: string;
  history: readonly Message[];
  conversationId: string;
  /** Unavailable: the teacher answers; a student that throws is reported failed, and the teacher answers. */
  studentHealth?: StudentHealth | undefined;
  onDelta?: ((text: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}): Promise<{ generated: GeneratedAnswer; routing: RoutingRecord }> {
  const { routing, call, maxSteps, onDelta, signal } = input;
  const arm: RoutingRecord["arm"] = inCanary(input.conversationId, routing.canary.share)
    ? "student_first"
    : "teacher_only";
  const record = (answeredBy: RoutingRecord["answeredBy"], reasons: RoutingReason[], rest = {}) => ({
    answeredBy,
    reasons,
    tokenConfidence: null,
    retrievalConfidence: input.retrievalConfidence,
    keptAfterActing: false,
    arm,
    ...rest,
  });
  const teacher = async (reasons: RoutingReason[], spent?: GeneratedAnswer, rest = {}) => {
    const generated = await generateAnswer({ model: input.teacher, call, maxSteps, onDelta, signal });
    if (spent) generated.usage = addUsage(generated.usage, spent.usage);
    return { generated, routing: record("teacher", reasons, rest) };
  };

  const before: RoutingReason[] = [];
  if (arm === "teacher_only") before.push("canary");
  else if (input.studentHealth?.unavailable) before.push("student_unavailable");
  if (input.retrievalConfidence < routing.escalate.minRetrievalConfidence)
    before.push("retrieval_confidence");
  if (routing.escalate.repeatedQuestion && repeatsLastQuestion(input.message, input.history))
    before.push("repeated_question");
  if (before.length > 0) return teacher(before);

  let student: GeneratedAnswer;
  try {
    student = await generateAnswer({
      model: input.student,
      call,
      maxSteps,
      signal,
      providerOptions: measureConfidence,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    input.studentHealth?.failed(error);
    return teacher(["student_unavailable"]);
  }
  input.studentHealth?.answered();
  const tokenConfidence = student.tokenConfidence ?? null;
  const after: RoutingReason[] = [];
  if (tokenConfidence !== null && tokenConfidence < routing.escalate.minTokenConfidence)
    after.push("token_confidence");
  if (routing.escalate.invalidToolCall && calledToolsWrongly(student)) after.push("invalid_tool_call");
  if (!student.text.trim() && !student.steps.some((s) => s.toolResults.length > 0))
    after.push("empty_answer");
  if (after.length > 0 && !actedOnTheWorld(student, call))
    return teacher(after, student, { tokenConfidence });
  if (student.text) onDelta?.(student.text);
  return {
    generated: student,
    routing: record("student", [], { tokenConfidence, keptAfterActing: after.length > 0 }),
  };
}

/** Whether a conversation is in the student's share: a stable hash of its id, so one conversation never flips. */
export function inCanary(conversationId: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  const bucket = createHash("sha256").update(conversationId).digest().readUInt32BE(0) / 0x1_0000_0000;
  return bucket < share;
}

/** The customer's message says again, in nearly the same words, what their previous message said. */
export function repeatsLastQuestion(
  message: string,
  history: readonly Pick<Message, "role" | "content">[],
): boolean {
  const last = [...history].reverse().find((m) => m.role === "user");
  if (!last) return false;
  const a = words(message);
  const b = words(last.content);
  if (a.size === 0 || b.size === 0) return false;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared) >= 0.8;
}

function words(text: string): Set<string> {
  const normal = text
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ");
  return new Set(normal.split(" ").filter((w) => w.length > 0));
}

/** A call to a tool the agent does not have, or with arguments its schema refused. */
function calledToolsWrongly(answer: GeneratedAnswer): boolean {
  return answer.steps.some(
    (step) =>
      step.content.some((part) => part.type === "tool-error") ||
      step.toolResults.some((r) => isToolError(r.output) && r.output.code === "invalid_arguments"),
  );
}

/** Tool errors that prove nothing was sent: refused before any request (a timeout or a 5xx may have acted). */
const refusedBeforeActing = new Set([
  "invalid_arguments",
  "missing_secret",
  "not_configured",
  "address_refused",
  "cancelled",
]);

/**
 * A tool with side effects may have acted: it ran, or failed in a way that
 * does not prove the request never arrived (a timeout, a 5xx, a reply it
 * could not read). Refused calls and calls waiting for a yes did not act.
 */
function actedOnTheWorld(answer: GeneratedAnswer, call: ModelCall): boolean {
  return answer.steps.some((step) =>
    step.toolResults.some((r) => {
      const meta = (call.tools[r.toolName] as { metadata?: { sideEffects?: boolean } } | undefined)?.metadata;
      if (meta?.sideEffects !== true) return false;
      if (isToolError(r.output)) return !refusedBeforeActing.has(r.output.code);
      return (r.output as { status?: unknown } | undefined)?.status !== "needs_confirmation";
    }),
  );
}

function addUsage(a: GeneratedAnswer["usage"], b: GeneratedAnswer["usage"]): GeneratedAnswer["usage"] {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
