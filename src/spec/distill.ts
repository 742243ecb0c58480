/**
 * Teacher → data: the rows a synthetic-data run produces, how they are judged,
 * and the datasets they are frozen into. zod schemas, because rows cross every
 * boundary: model output (structured generation), the store, export and import.
 */
import { z } from "zod";
import type { JsonValue } from "./json.js";

/** One message of a training conversation, in the OpenAI chat shape (tool calls included). */
export const trainingMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.string() }).strict(),
  z.object({ role: z.literal("user"), content: z.string() }).strict(),
  z
    .object({
      role: z.literal("assistant"),
      content: z.string().nullable(),
      tool_calls: z
        .array(
          z
            .object({
              id: z.string().min(1),
              type: z.literal("function"),
              function: z.object({ name: z.string().min(1), arguments: z.string() }).strict(),
            })
            .strict(),
        )
        .optional(),
    })
    .strict(),
  z.object({ role: z.literal("tool"), tool_call_id: z.string().min(1), content: z.string() }).strict(),
]);
export type TrainingMessage = z.infer<typeof trainingMessageSchema>;

export const rowKindSchema = z.enum(["qa", "conversation", "real"]);
export type RowKind = z.infer<typeof rowKindSchema>;

/** Where a row came from: enough to reproduce it and to audit it. */
export const rowProvenanceSchema = z
  .object({
    kind: rowKindSchema,
    /** Chunk ids the question was drawn from and the answer cited. */
    chunkIds: z.array(z.string()),
    persona: z.string().optional(),
    intent: z.string().optional(),
    difficulty: z.enum(["easy", "medium", "hard"]).optional(),
    language: z.string(),
    /** How many Evol-Instruct rewrites made the question harder. */
    evolved: z.int().min(0).default(0),
    teacher: z.string(),
    seed: z.int(),
    /** For `real` rows: the conversation they came from (personal data redacted). */
    conversationId: z.string().optional(),
    /**
     * For `real` rows: why the conversation is worth learning from (the
     * flywheel): the student escalated to the teacher in it, a person took it
     * over, or the customer gave an answer a thumbs down (that answer is then
     * replaced by the teacher's), or the teacher's shadow answer disagreed
     * with the student's (it replaces the student's).
     */
    signals: z.array(z.enum(["escalation", "takeover", "thumbs_down", "shadow_disagreement"])).optional(),
  })
  .strict();
export type RowProvenance = z.infer<typeof rowProvenanceSchema>;

/** The judge's verdict on a row; scores 1 (bad) to 5 (excellent). */
export const judgementSchema = z
  .object({
    groundedness: z.int().min(1).max(5),
    helpfulness: z.int().min(1).max(5),
    policy: z.int().min(1).max(5),
    languageMatch: z.int().min(1).max(5),
    rationale: z.string().max(600),
  })
  .strict();
export type Judgement = z.infer<typeof judgementSchema>;

export const dropReasonSchema = z.enum([
  "invalid_output",
  "teacher_failed",
  /** The judge failed (errors, timeouts) on every attempt: an unjudged row is not kept. */
  "judge_failed",
  "low_groundedness",
  "low_helpfulness",
  "policy",
  "language_mismatch",
  "near_duplicate",
  "contaminated",
]);
export type DropReason = z.infer<typeof dropReasonSchema>;

/**
 * A row as the pipeline stores it: kept or dropped, never silently lost. A kept
 * row has at least two messages; a dropped one may have none (the teacher
 * failed before producing any).
 */
export const synthRowSchema = z
  .object({
    /** Deterministic within a run (from the grid cell and seed), so a resumed run never writes a row twice. */
    key: z.string().min(1),
    messages: z.array(trainingMessageSchema),
    /** Intent label, for stratified splits. */
    intent: z.string(),
    provenance: rowProvenanceSchema,
    judgement: judgementSchema.nullable(),
    dropped: dropReasonSchema.nullable(),
    /** Why, in words (the judge's rationale, the duplicate's key, the parse error). */
    dropDetail: z.string().nullable(),
    usage: z.object({ inputTokens: z.int().min(0), outputTokens: z.int().min(0) }).strict(),
  })
  .strict()
  .refine((row) => row.dropped !== null || row.messages.length >= 2, {
    message: "a kept row needs at least two messages (a question and an answer)",
    path: ["messages"],
  });
export type SynthRow = z.infer<typeof synthRowSchema>;

/**
 * One planned unit of work of a synthetic-data job: it produces exactly one
 * row, with the same key. `cell` is the grid cell it stands for; the
 * well-known keys are `chunkIds` (string[]), `persona`, `intent`,
 * `difficulty`, `language`, `evolve` (rewrite depth) and `conversationId`.
 */
export interface SynthTask {
  key: string;
  kind: RowKind;
  cell: Record<string, JsonValue>;
}

export const splitSchema = z.enum(["train", "validation", "test"]);
export type Split = z.infer<typeof splitSchema>;

/** What a dataset says about itself; exported as the dataset card. */
export const datasetCardSchema = z
  .object({
    name: z.string().min(1),
    version: z.int().min(1),
    agent: z.string(),
    teacher: z.object({
      name: z.string(),
      licenseId: z.string().nullable(),
      licenseOverride: z.string().optional(),
    }),
    judge: z.object({ name: z.string(), licenseId: z.string().nullable() }).nullable(),
    filters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
    counts: z.object({
      train: z.int(),
      validation: z.int(),
      test: z.int(),
      dropped: z.record(z.string(), z.int()),
    }),
    languages: z.array(z.string()),
    /** SHA-256 over the canonical JSON of every row with its split, in order: the dataset's identity. */
    contentHash: z.string(),
    createdAt: z.string(),
    frozenAt: z.string().nullable(),
  })
  .strict();
export type DatasetCard = z.infer<typeof datasetCardSchema>;
