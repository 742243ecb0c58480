/**
 * The simulated customer of a conversation: the teacher plays a persona with
 * a goal, a patience (how many messages they will send) and a language, and
 * after each answer of the agent decides whether to go on, is satisfied,
 * gives up, or asks for a person — always as structured output, validated.
 */
import { z } from "zod";
import { generateStructured, type Structured } from "../../models/structured/generate-structured.js";
import type { TrainingMessage } from "../../spec/distill.js";
import type { Chunk } from "../../spec/knowledge.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { customerBrief, passage, writerSystem } from "./customer-question.js";
import type { StepOptions } from "./step-options.js";
import type { TaskCell } from "./task-cell.js";

export const customerGoalSchema = z
  .object({ goal: z.string().trim().min(2).max(400), message: z.string().trim().min(2).max(1200) })
  .strict();

export const customerReplySchema = z
  .object({
    status: z.enum(["continue", "satisfied", "gives_up", "wants_human"]),
    message: z.string().trim().min(1).max(1200),
  })
  .strict();
export type CustomerReply = z.infer<typeof customerReplySchema>;

/** The customer's goal for the conversation and their first message. */
export async function customerGoal(
  ctx: SynthContext,
  cell: TaskCell,
  chunk: Chunk,
  seed: number,
  options: StepOptions,
): Promise<Structured<z.infer<typeof customerGoalSchema>>> {
  return generateStructured({
    model: ctx.teacher,
    schema: customerGoalSchema,
    system: writerSystem(ctx),
    messages: [
      {
        role: "user",
        content: `${customerBrief(cell)}\nThey will send at most ${cell.patience} messages. The passage below is what the business knows about the topic; the customer has not read it.\n\n<passage>\n${passage(chunk)}\n</passage>\n\nGive the customer's goal in one sentence (what would make them satisfied, possibly needing the business's tools: an order status, opening hours now, a person) and the first message they send. Answer as JSON: {"goal": "...", "message": "..."}`,
      },
    ],
    maxOutputTokens: options.questionTokens,
    seed,
    signal: ctx.signal,
    attempts: options.attempts,
  });
}

/** The customer's next move, having read the conversation so far. */
export async function customerReply(
  ctx: SynthContext,
  cell: TaskCell,
  goal: string,
  transcript: readonly TrainingMessage[],
  messagesLeft: number,
  seed: number,
  options: StepOptions,
): Promise<Structured<CustomerReply>> {
  const lines = transcript.flatMap((m) =>
    m.role === "user"
      ? [`Customer: ${m.content}`]
      : m.role === "assistant" && m.content
        ? [`Assistant: ${m.content}`]
        : [],
  );
  return generateStructured({
    model: ctx.teacher,
    schema: customerReplySchema,
    system: writerSystem(ctx),
    messages: [
      {
        role: "user",
        content: `${customerBrief(cell)}\nTheir goal: ${goal}\nThey can send ${messagesLeft} more message${messagesLeft === 1 ? "" : "s"}.\n\n<conversation>\n${lines.join("\n")}\n</conversation>\n\nWhat does the customer do now? "satisfied" if the goal is met, "gives_up" if they lost patience, "wants_human" if they ask for a person, else "continue"; and the message they send. Answer as JSON: {"status": "...", "message": "..."}`,
      },
    ],
    maxOutputTokens: options.questionTokens,
    seed,
    signal: ctx.signal,
    attempts: options.attempts,
  });
}
