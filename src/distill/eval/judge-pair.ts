/**
 * Pairwise preference: the judge sees one customer turn (the passages the
 * agent could cite, the conversation so far, the customer's message) and two
 * answers, A and B, and says which serves the customer better, or a tie. It
 * is asked twice, the candidate first as A and then as B, so a judge that
 * prefers a position cancels out (`combinePair`). A verdict that never comes
 * in the asked shape (after `attempts`) is `unknown`, never a pass.
 */
import { z } from "zod";
import { generateStructured } from "../../models/structured/generate-structured.js";
import type { Chunk } from "../../spec/knowledge.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import { taskSeed } from "../pipeline/synth-step.js";
import type { EvalTask } from "./plan-eval-tasks.js";
import { combinePair, type PairOutcome, type PairVerdict } from "./score-answer.js";

const MAX_CONTEXT_CHARS = 8_000;
const MAX_ANSWER_CHARS = 3_000;

const pairSchema = z.object({ better: z.enum(["A", "B", "tie"]), rationale: z.string().max(2000) }).strict();

export const pairSystem =
  "You compare two answers of a customer-service assistant to the same customer message and say which one serves the customer better. You answer only with the JSON asked for.";

export interface PairJudgeCall {
  judge: LanguageModelV3;
  task: EvalTask;
  chunks: readonly Chunk[];
  candidate: string;
  reference: string;
  seed: number;
  attempts: number;
  signal: AbortSignal;
}

export async function judgePair(
  call: PairJudgeCall,
): Promise<{ outcome: PairOutcome; verdicts: [PairVerdict, PairVerdict] }> {
  const ask = async (a: string, b: string, order: number): Promise<"A" | "B" | "tie" | "unknown"> => {
    const result = await generateStructured({
      model: call.judge,
      schema: pairSchema,
      system: pairSystem,
      messages: [{ role: "user", content: pairPrompt(call.task, call.chunks, a, b) }],
      maxOutputTokens: 300,
      temperature: 0,
      seed: taskSeed(call.seed, call.task.key, 10 + order),
      signal: call.signal,
      attempts: call.attempts,
    });
    return result.ok ? result.value.better : "unknown";
  };
  const first = await ask(call.candidate, call.reference, 0);
  const swapped = await ask(call.reference, call.candidate, 1);
  const read = (verdict: string, candidateIs: "A" | "B"): PairVerdict =>
    verdict === "unknown" || verdict === "tie"
      ? verdict
      : verdict === candidateIs
        ? "candidate"
        : "reference";
  const verdicts: [PairVerdict, PairVerdict] = [read(first, "A"), read(swapped, "B")];
  return { outcome: combinePair(...verdicts), verdicts };
}

export function pairPrompt(task: EvalTask, chunks: readonly Chunk[], a: string, b: string): string {
  const documents = cut(
    chunks.map((c) => `[${c.id}] ${[c.title, c.text].filter(Boolean).join("\n")}`).join("\n\n"),
    MAX_CONTEXT_CHARS,
  );
  const conversation = [
    ...task.history.map((m) => `${m.role === "user" ? "CUSTOMER" : "ASSISTANT"}: ${m.content}`),
    `CUSTOMER: ${task.message}`,
  ].join("\n");
  return `<documents>
${documents}
</documents>

<conversation>
${cut(conversation, MAX_CONTEXT_CHARS)}
</conversation>

<answer_a>
${cut(a, MAX_ANSWER_CHARS)}
</answer_a>

<answer_b>
${cut(b, MAX_ANSWER_CHARS)}
</answer_b>

Which answer to the customer's last message is better? Judge: facts supported by the documents (invented prices, hours or policies are worse than saying it does not know), answering what was asked, following the business's rules, replying in the customer's language (expected: ${task.language}). Length and position are not merits.
Answer as JSON: {"better": "A" | "B" | "tie", "rationale": "..."}`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
