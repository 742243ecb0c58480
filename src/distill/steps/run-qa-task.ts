/**
 * A question–answer row: the customer's question, written by the teacher
 * from the cell's chunk (and made harder by the cell's Evol-Instruct
 * rewrites), then answered by the teacher acting as the agent (see
 * teacher-agent.ts: the runtime's retrieval and prompt, no tools), its
 * citations checked against the passages actually retrieved.
 *
 * The row is `[system, user, assistant]` where system is the prompt the
 * runtime builds for that question. Dropped rows: `invalid_output` (no valid
 * JSON after the retries), `low_groundedness` (a citation of a passage that
 * was not retrieved). Throws AlambiqueError `chunk_gone` (not retryable)
 * when the cell's chunk was removed since planning.
 */
import type { SynthRow, SynthTask } from "../../spec/distill.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { Chunk } from "../../spec/knowledge.js";
import { type SynthContext, taskSeed } from "../pipeline/synth-step.js";
import { askQuestion, evolveQuestion } from "./customer-question.js";
import { defaultStepOptions, type StepOptions } from "./step-options.js";
import { droppedRow, gridProvenance, keptRow, taskNow } from "./synth-row-parts.js";
import { gridCellSchema, readCell, type TaskCell } from "./task-cell.js";
import { TeacherAgent } from "./teacher-agent.js";

export async function runQaTask(
  ctx: SynthContext,
  task: SynthTask,
  options: StepOptions = defaultStepOptions,
): Promise<SynthRow> {
  const cell = readCell(task, gridCellSchema);
  const seed = taskSeed(ctx.seed, task.key);
  const chunk = await cellChunk(ctx, task, cell);
  const provenance = gridProvenance(ctx, task, cell, [chunk.id]);
  const question = await customerQuestion(ctx, cell, chunk, seed, options);
  if (!question.ok) return droppedRow(task, cell.intent, provenance, "invalid_output", question.detail);

  const agent = new TeacherAgent(ctx, {
    language: cell.language,
    now: taskNow(seed),
    tools: false,
    customerId: `synth:${task.key}`,
    options,
  });
  try {
    const answer = await agent.answer(question.value, seed + 101);
    const messages = [{ role: "system" as const, content: agent.systemPrompt() }, ...agent.recorded];
    if (!answer.ok) return droppedRow(task, cell.intent, provenance, answer.reason, answer.detail, messages);
    return keptRow(
      task,
      cell.intent,
      gridProvenance(ctx, task, cell, [chunk.id, ...agent.citedChunkIds]),
      messages,
    );
  } finally {
    await agent.close();
  }
}

/** The question after the cell's rewrites; the first failure stops there. */
export async function customerQuestion(
  ctx: SynthContext,
  cell: TaskCell,
  chunk: Chunk,
  seed: number,
  options: StepOptions,
): Promise<{ ok: true; value: string } | { ok: false; detail: string }> {
  let question = await askQuestion(ctx, cell, chunk, seed, options);
  for (const [i, operation] of cell.evolveOps.entries()) {
    if (!question.ok) break;
    const evolved = await evolveQuestion(
      ctx,
      cell,
      chunk,
      question.value,
      operation,
      seed + 17 * (i + 1),
      options,
    );
    question = evolved.ok ? evolved : { ok: false, detail: `Evol-Instruct ${operation}: ${evolved.detail}` };
  }
  return question;
}

export async function cellChunk(ctx: SynthContext, task: SynthTask, cell: TaskCell): Promise<Chunk> {
  const [chunk] = await ctx.store.knowledge.getChunks(ctx.tenantId, cell.chunkIds.slice(0, 1));
  if (chunk) return chunk;
  throw new AlambiqueError(`the knowledge chunk ${cell.chunkIds[0]} of task ${task.key} is gone`, {
    code: "chunk_gone",
    status: 409,
    retryable: false,
    hint: "the agent's knowledge changed since the job was planned; start a new job to plan from the current documents",
  });
}
