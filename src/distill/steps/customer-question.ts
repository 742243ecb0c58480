/**
 * The customer's side of the data: a first message written from a grid cell
 * and a knowledge chunk, and Evol-Instruct rewrites that make it harder. The
 * teacher writes as the customer, in the cell's language, about the chunk
 * without quoting it (a question that copies the passage teaches retrieval
 * nothing).
 */
import { z } from "zod";
import { generateStructured, type Structured } from "../../models/structured/generate-structured.js";
import type { Chunk } from "../../spec/knowledge.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import type { StepOptions } from "./step-options.js";
import { difficulties, type EvolveOperation, evolveOperations, intents, personas } from "./synth-grid.js";
import { languageName } from "./synth-row-parts.js";
import type { TaskCell } from "./task-cell.js";

export const customerMessageSchema = z.object({ message: z.string().trim().min(2).max(1200) }).strict();

export function writerSystem(ctx: SynthContext): string {
  const business = ctx.agent.spec.displayName ?? ctx.agent.spec.name;
  return `You write realistic chat messages that customers send to the assistant of ${business}. You always write as the customer, never as the business, and you answer only with the JSON asked for.`;
}

export function passage(chunk: Chunk): string {
  return [chunk.title, chunk.text].filter(Boolean).join("\n").slice(0, 3000);
}

export function customerBrief(cell: TaskCell): string {
  return [
    `The customer: ${personas[cell.persona]}.`,
    `What they want: ${intents[cell.intent]}.`,
    `Difficulty: ${difficulties[cell.difficulty]}.`,
    `Language: they write in ${languageName(cell.language)} only.`,
  ].join("\n");
}

export async function askQuestion(
  ctx: SynthContext,
  cell: TaskCell,
  chunk: Chunk,
  seed: number,
  options: StepOptions,
): Promise<Structured<string>> {
  const topic =
    cell.intent === "small_talk"
      ? "The message is small talk or off-topic (the weather, football, a joke, homework): the passage below only tells you what the business is."
      : "The customer has NOT read the passage below; use it only to know what they could ask about, and do not copy its wording.";
  const result = await generateStructured({
    model: ctx.teacher,
    schema: customerMessageSchema,
    system: writerSystem(ctx),
    messages: [
      {
        role: "user",
        content: `${customerBrief(cell)}\n${topic}\n\n<passage>\n${passage(chunk)}\n</passage>\n\nWrite the one message this customer sends. Answer as JSON: {"message": "..."}`,
      },
    ],
    maxOutputTokens: options.questionTokens,
    seed,
    signal: ctx.signal,
    attempts: options.attempts,
  });
  return result.ok ? { ok: true, value: result.value.message } : result;
}

/** One Evol-Instruct step (in-depth evolving): the same need, harder to answer. */
export async function evolveQuestion(
  ctx: SynthContext,
  cell: TaskCell,
  chunk: Chunk,
  question: string,
  operation: EvolveOperation,
  seed: number,
  options: StepOptions,
): Promise<Structured<string>> {
  const result = await generateStructured({
    model: ctx.teacher,
    schema: customerMessageSchema,
    system: writerSystem(ctx),
    messages: [
      {
        role: "user",
        content: `${customerBrief(cell)}\n\nRewrite this customer's message so that it is harder to answer well. How: ${evolveOperations[operation]}. It must stay a message this customer would send, about the same need, answerable from the passage (or clearly off-topic if it was).\n\n<passage>\n${passage(chunk)}\n</passage>\n\n<message>\n${question}\n</message>\n\nAnswer as JSON: {"message": "..."}`,
      },
    ],
    maxOutputTokens: options.questionTokens,
    seed,
    signal: ctx.signal,
    attempts: options.attempts,
  });
  return result.ok ? { ok: true, value: result.value.message } : result;
}
