/**
 * A task's grid cell, read back from the stored plan (JSON) with zod: the
 * plan is data that crossed the store, so it is checked like any other
 * boundary. A cell that does not parse is a bug or a hand-edited plan:
 * ValidationError, which the engine turns into a dropped row.
 */
import { z } from "zod";
import type { SynthTask } from "../../spec/distill.js";
import { ValidationError } from "../../spec/errors.js";
import { difficultyNames, evolveOperationNames, intentNames, personaNames } from "./synth-grid.js";

export const gridCellSchema = z.object({
  chunkIds: z.array(z.string().min(1)).min(1),
  persona: z.enum(personaNames),
  intent: z.enum(intentNames),
  difficulty: z.enum(difficultyNames),
  language: z.string().min(2),
  evolve: z.int().min(0).default(0),
  evolveOps: z.array(z.enum(evolveOperationNames)).default([]),
  /** Conversations: most customer messages. */
  patience: z.int().min(1).max(8).default(3),
});
export type TaskCell = z.infer<typeof gridCellSchema>;

export const realCellSchema = z.object({ conversationId: z.string().min(1) });

export function readCell<T>(task: SynthTask, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(task.cell);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    `the plan's cell for task ${task.key} is not one this step can run`,
    parsed.error.issues.map((issue) => ({
      path: issue.path.filter((p): p is string | number => typeof p !== "symbol"),
      message: issue.message,
    })),
  );
}
