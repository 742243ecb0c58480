import { z } from "zod";

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
    /** Share of conversations (0..1, by conversation) the student answers first; the others go to the teacher. */
    canary: z.number().min(0).max(1).default(1),
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
  | "empty_answer";

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
}
