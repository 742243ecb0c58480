import { z } from "zod";

const canarySchema = z.object({ share: z.number().min(0).max(1) }).strict();

/**
 * Student-first routing: the agent's `model` (the student) answers, and the
 * turn hands the customer's message to its `fallbackModel` (the teacher)
 * when the student is unsure, measured rather than guessed. Every routed
 * turn records which model answered and why (`metadata.routing`).
 */
export const routingSchema = z
  .object({
    escalate: z
      .object({
        /**
         * Mean probability of the tokens the student chose (llama.cpp reports
         * it; engines that give none never escalate on it). Below: the teacher.
         */
        minTokenConfidence: z.number().min(0).max(1).default(0.5),
        /** Confidence (0..1) of the best retrieved passage. Below: the teacher answers, the student is not asked. */
        minRetrievalConfidence: z.number().min(0).max(1).default(0.3),
        /** The student called a tool that does not exist or with arguments its schema refuses. */
        invalidToolCall: z.boolean().default(true),
        /** The customer asks again what they asked last: the last answer did not help. */
        repeatedQuestion: z.boolean().default(true),
      })
      .strict()
      .default({
        minTokenConfidence: 0.5,
        minRetrievalConfidence: 0.3,
        invalidToolCall: true,
        repeatedQuestion: true,
      }),
    /**
     * The share (0..1) of conversations the student answers first, chosen by
     * a hash of the conversation's id (a conversation never changes side);
     * the others are the teacher's alone. A bare number is the share.
     */
    canary: z
      .union([
        z
          .number()
          .min(0)
          .max(1)
          .transform((share) => ({ share })),
        canarySchema,
      ])
      .default({ share: 1 }),
    /**
     * On this share (0..1) of the turns the student answered, the teacher
     * also answers, silently, after the student's answer is recorded: never
     * shown, its tools with side effects never run. How far the two agree is
     * recorded with the turn (`metadata.shadow`), and a disagreement makes the
     * teacher's answer a target of the next dataset (the flywheel).
     */
    shadow: z
      .object({
        sample: z.number().min(0).max(1),
        /** Word agreement (F1, 0..1) under which the two answers disagree. */
        minAgreement: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Routing = z.infer<typeof routingSchema>;

/** Why a routed turn was answered by the model it was. */
export type RoutingReason =
  | "canary"
  | "retrieval_confidence"
  | "repeated_question"
  | "token_confidence"
  | "invalid_tool_call"
  | "empty_answer"
  /** The student's model file is missing or does not load: the teacher answers every turn until it is back. */
  | "student_unavailable";

/** What a routed turn records in its message's `metadata.routing`. */
export interface RoutingRecord {
  answeredBy: "student" | "teacher";
  /** Why the teacher answered; empty when the student did. */
  reasons: RoutingReason[];
  /** The student's mean token probability, when it answered and its engine reports one. */
  tokenConfidence: number | null;
  retrievalConfidence: number;
  /** The student wanted to escalate, but it had already acted (a tool with side effects ran): it keeps the turn. */
  keptAfterActing: boolean;
  /** The conversation's side of the canary: the student first, or the teacher alone. */
  arm: "student_first" | "teacher_only";
  /**
   * Whether the teacher shadows this turn: `queued` (its silent answer is
   * recorded in `metadata.shadow` when done), `busy` (sampled, but too many
   * shadow answers were waiting). Absent when the turn was not sampled.
   */
  shadow?: "queued" | "busy";
}

/** The teacher's silent answer to a turn the student answered (`metadata.shadow`). */
export interface ShadowRecord {
  /** `failed`: the teacher gave no answer (its error in `error`); nothing was compared. */
  status: "compared" | "failed";
  /** Word agreement of the two answers' texts (F1 over their words, 0..1); null when failed. */
  agreement: number | null;
  /** Both called the same tools, in order, with JSON-equal arguments (or neither called any). */
  sameToolCalls: boolean | null;
  /** Agreement under `minAgreement`, or different tool calls: the teacher's answer is a flywheel target. */
  disagrees: boolean;
  teacher: { text: string; toolCalls: { name: string; input: unknown }[] };
  latencyMs: number;
  error?: string;
}
