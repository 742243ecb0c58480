/**
 * A multi-turn conversation row: a simulated customer (the cell's persona,
 * a goal drawn from the cell's chunk and intent, the cell's patience and
 * language) talks with the teacher acting as the agent, tools included — the
 * agent's real tools in dry run, so orders are not placed and people are not
 * paged, while read-only tools answer for real. It ends when the customer is
 * satisfied or gives up, when their patience runs out, or after the agent
 * hands off to a person.
 *
 * Recorded as `[system, user, (assistant tool_calls, tool…)*, assistant, user, …]`
 * with the runtime's system prompt holding every passage retrieved during the
 * conversation (citation ids are numbered once for all of it). The opening
 * message of a hard cell gets the cell's Evol-Instruct rewrites. Dropped rows
 * keep the messages made so far: `invalid_output`, `low_groundedness`.
 */
import type { SynthRow, SynthTask } from "../../spec/distill.js";
import { type SynthContext, taskSeed } from "../pipeline/synth-step.js";
import { evolveQuestion } from "./customer-question.js";
import { cellChunk } from "./run-qa-task.js";
import { customerGoal, customerReply } from "./simulated-customer.js";
import { defaultStepOptions, type StepOptions } from "./step-options.js";
import { droppedRow, gridProvenance, keptRow, taskNow } from "./synth-row-parts.js";
import { gridCellSchema, readCell } from "./task-cell.js";
import { TeacherAgent } from "./teacher-agent.js";

export async function runConversationTask(
  ctx: SynthContext,
  task: SynthTask,
  options: StepOptions = defaultStepOptions,
): Promise<SynthRow> {
  const cell = readCell(task, gridCellSchema);
  const seed = taskSeed(ctx.seed, task.key);
  const chunk = await cellChunk(ctx, task, cell);
  const provenance = gridProvenance(ctx, task, cell, [chunk.id]);
  const goal = await customerGoal(ctx, cell, chunk, seed, options);
  if (!goal.ok)
    return droppedRow(task, cell.intent, provenance, "invalid_output", `the customer's goal: ${goal.detail}`);
  let message = goal.value.message;
  for (const [i, operation] of cell.evolveOps.entries()) {
    const evolved = await evolveQuestion(ctx, cell, chunk, message, operation, seed + 17 * (i + 1), options);
    if (!evolved.ok)
      return droppedRow(
        task,
        cell.intent,
        provenance,
        "invalid_output",
        `Evol-Instruct ${operation}: ${evolved.detail}`,
      );
    message = evolved.value;
  }

  const agent = new TeacherAgent(ctx, {
    language: cell.language,
    now: taskNow(seed),
    tools: true,
    customerId: `synth:${task.key}`,
    options,
  });
  const messages = () => [{ role: "system" as const, content: agent.systemPrompt() }, ...agent.recorded];
  try {
    for (let turn = 1; ; turn++) {
      const answer = await agent.answer(message, seed + 101 * turn);
      if (!answer.ok)
        return droppedRow(task, cell.intent, provenance, answer.reason, answer.detail, messages());
      if (answer.handedOff || turn >= cell.patience) break;
      const next = await customerReply(
        ctx,
        cell,
        goal.value.goal,
        agent.recorded,
        cell.patience - turn,
        seed + 101 * turn + 53,
        options,
      );
      if (!next.ok)
        return droppedRow(
          task,
          cell.intent,
          provenance,
          "invalid_output",
          `the customer's reply: ${next.detail}`,
          messages(),
        );
      if (next.value.status === "satisfied" || next.value.status === "gives_up") break;
      message = next.value.message;
    }
    return keptRow(
      task,
      cell.intent,
      gridProvenance(ctx, task, cell, [chunk.id, ...agent.citedChunkIds]),
      messages(),
    );
  } finally {
    await agent.close();
  }
}
