/**
 * Evaluation: the parity scorecard of a candidate model (a student) against a
 * reference (its teacher) on an agent's held-out test split, and the deploy
 * gate it must meet to be promoted. zod schemas, because a gate comes in with
 * an agent file and a scorecard goes into the store and out as JSON.
 *
 * Scales: the rubric is the judge's four scores (1–5), averaged per answer;
 * shares are 0..1; tool-call accuracy is in percentage points (0–100).
 */
import { z } from "zod";

const share = (what: string) =>
  z
    .number()
    .min(0, `${what} is a share from 0 to 1`)
    .max(1, `${what} is a share from 0 to 1 (1 = all of them): more can never pass`);

/**
 * What a candidate must show to be promoted. Every bound is one a scorecard
 * can reach, so a gate that can never pass is refused when the agent is
 * saved (the message says which bound and why).
 */
export const evalGateSchema = z
  .object({
    /** The candidate's mean rubric must be at least this times the reference's. */
    minRubricRatio: z
      .number()
      .min(0, "minRubricRatio is a ratio of 0 or more")
      .max(
        5,
        "the rubric's mean runs from 1 to 5, so the candidate's is at most 5 times the reference's: a minRubricRatio over 5 can never pass",
      )
      .default(0.95),
    /** Share of the pairwise comparisons the candidate must win or tie. */
    minWinOrTie: share("minWinOrTie").default(0.9),
    /** How many points (0–100) the candidate's tool-call accuracy may be under the reference's. */
    maxToolAccuracyDrop: z
      .number()
      .min(
        -100,
        "tool-call accuracy runs from 0 to 100 points, so the candidate can be at most 100 points over the reference: a maxToolAccuracyDrop under -100 can never pass",
      )
      .max(100, "maxToolAccuracyDrop is in points from -100 to 100")
      .default(2),
    /** Turns where the candidate broke a rule (policy score under the judge's minimum, a missed hand-off) that the reference kept. */
    maxPolicyRegressions: z.int().min(0, "maxPolicyRegressions is a count of turns, 0 or more").default(0),
    /** Optional: the candidate's pass^k (every repeat of a turn passes) must be at least this. */
    minPassK: share("minPassK").optional(),
  })
  .strict();
export type EvalGate = z.infer<typeof evalGateSchema>;
export type EvalGateInput = z.input<typeof evalGateSchema>;

export const defaultEvalGate: EvalGate = evalGateSchema.parse({});

/** The `evaluation` block of an agent spec. */
export const agentEvaluationSchema = z.object({ gate: evalGateSchema.default(defaultEvalGate) }).strict();

const count = z.int().min(0);
const latencySchema = z
  .object({
    p50: z.number().min(0),
    p95: z.number().min(0),
    mean: z.number().min(0),
    /** 101 quantiles (0 %, 1 %, … 100 %) of the answers' latencies, for charts; empty when none. */
    quantiles: z.array(z.number().min(0)),
  })
  .strict();

/** What one model did over every replayed turn of the test split (all repeats). */
export const modelScoresSchema = z
  .object({
    model: z.string(),
    /** Answers replayed (turns × repeats), and of those, the ones whose turn failed (engine errors after retries). */
    answers: count,
    failed: count,
    rubric: z
      .object({
        /** Mean of the per-answer rubric (1–5). The candidate's unknown verdicts count as 1; the reference's are left out. Null when nothing counts. */
        mean: z.number().nullable(),
        known: count,
        /** Verdicts the judge never gave in the rubric's shape (after retries). */
        unknown: count,
        criteria: z
          .object({
            groundedness: z.number().nullable(),
            helpfulness: z.number().nullable(),
            policy: z.number().nullable(),
            languageMatch: z.number().nullable(),
          })
          .strict(),
        /** Known answers by rubric rounded to 1, 2, 3, 4, 5. */
        histogram: z.array(count).length(5),
      })
      .strict(),
    tools: z
      .object({
        /** Points (0–100): turns whose calls match the test row's (decision, tools and JSON-equal arguments). */
        accuracy: z.number().nullable(),
        /** Share of turns where it called a tool exactly when the row did. */
        decision: z.number().nullable(),
        /** Of the turns where the row calls tools: share calling the same tools; share with JSON-equal arguments. */
        rightTool: z.number().nullable(),
        argumentsEqual: z.number().nullable(),
        turnsCalling: count,
      })
      .strict(),
    handoffs: count,
    refusals: count,
    /** Answers under the judge's policy minimum, or unknown (candidate only). */
    policyViolations: count,
    citations: z
      .object({
        answersCiting: count,
        /** Answers whose every cited id names a passage that exists and was retrieved in that turn. */
        valid: count,
        /** Cited ids that named no retrieved passage, or a passage no longer in the store. */
        invalidIds: count,
      })
      .strict(),
    consistency: z
      .object({
        k: z.int().min(1),
        tasks: count,
        /** Share of turns every one of whose k runs passed the judge's minimums (tau-bench's pass^k). */
        passHatK: z.number().nullable(),
        /** Share of all runs that passed. */
        passRate: z.number().nullable(),
      })
      .strict(),
    cost: z
      .object({
        latencyMs: latencySchema,
        tokens: z.object({ input: count, output: count }).strict(),
        /** Output tokens per second of answering time. */
        tokensPerSecond: z.number().nullable(),
        /** The catalog's prices (USD per million tokens), when it has both. */
        pricePerMillion: z.object({ input: z.number(), output: z.number() }).strict().nullable(),
        per1000Conversations: z
          .object({
            /** From the catalog's prices; null when the model has none. */
            usd: z.number().nullable(),
            /** Measured answering time: what a self-hosted model costs in machine time. */
            modelSeconds: z.number().min(0),
            tokens: z.number().min(0),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();
export type ModelScores = z.infer<typeof modelScoresSchema>;

export const gateCheckSchema = z
  .object({
    criterion: z.enum(["rubric", "win_or_tie", "tool_accuracy", "policy", "pass_k"]),
    passed: z.boolean(),
    /** What was required and what was measured, in words (`0.93 ≥ 0.95 × 4.10 = 3.90`). */
    required: z.string(),
    actual: z.string(),
    /** For a failure: by how much, in words. */
    message: z.string(),
  })
  .strict();
export type GateCheck = z.infer<typeof gateCheckSchema>;

export const gateResultSchema = z
  .object({
    config: evalGateSchema,
    passed: z.boolean(),
    checks: z.array(gateCheckSchema),
    /** The messages of the checks that failed. */
    failures: z.array(z.string()),
  })
  .strict();
export type GateResult = z.infer<typeof gateResultSchema>;

/**
 * The student-first routing threshold an evaluation supports (see
 * distill/eval/calibrate-routing.ts): put `minTokenConfidence` in the agent's
 * `routing.escalate`, and about `escalationRate` of turns go to the teacher.
 */
export const routingCalibrationSchema = z
  .object({
    minTokenConfidence: z.number().min(0).max(1),
    /** Share of the measured turns the threshold sends to the teacher. */
    escalationRate: z.number().min(0).max(1),
    /** Mean rubric (1..5) of the routed answers: the teacher's where escalated, the student's elsewhere. */
    routedRubric: z.number(),
    /** `routedRubric` over the reference's mean rubric on the same turns. */
    rubricRatio: z.number(),
    /** Whether the gate's rubric ratio is reached even with every turn escalated. */
    reached: z.boolean(),
    /** Turns measured: with the candidate's token confidence and the reference's rubric. */
    turns: z.int().min(1),
  })
  .strict();
export type RoutingCalibration = z.infer<typeof routingCalibrationSchema>;

export const scorecardSchema = z
  .object({
    formatVersion: z.literal(1),
    agent: z.object({ id: z.string(), name: z.string() }).strict(),
    candidate: z.string(),
    reference: z.string(),
    judge: z.string(),
    dataset: z
      .object({
        id: z.string(),
        name: z.string(),
        version: z.int().min(1),
        /** The dataset card's content hash: which rows exactly. */
        contentHash: z.string(),
        testRows: count,
        /** Customer turns replayed per model and repeat. */
        turns: count,
      })
      .strict(),
    seed: z.int(),
    repeats: z.int().min(1),
    models: z.object({ candidate: modelScoresSchema, reference: modelScoresSchema }).strict(),
    /** Candidate against reference, each comparison asked twice with the order swapped. */
    pairwise: z
      .object({ win: count, tie: count, loss: count, unknown: count, winOrTie: z.number().nullable() })
      .strict(),
    /** Shares of turns where the candidate did as the reference did in the same replay. */
    agreement: z
      .object({
        toolCalls: z.number().nullable(),
        handoff: z.number().nullable(),
        refusal: z.number().nullable(),
      })
      .strict(),
    policyRegressions: count,
    judgeTokens: z.object({ input: count, output: count }).strict(),
    gate: gateResultSchema,
    /** The routing threshold this evaluation supports; null when the candidate's engine reports no token probabilities. */
    routing: routingCalibrationSchema.nullable().optional(),
    durationMs: z.number().min(0),
  })
  .strict();
export type Scorecard = z.infer<typeof scorecardSchema>;
