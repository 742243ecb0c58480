import type { ModelMessage, StepResult, ToolSet } from "ai";
import { z } from "zod";
import { loadAiSdk } from "../../models/ai-sdk.js";
import {
  describeError,
  describeIssues,
  generateStructured,
} from "../../models/structured/generate-structured.js";
import { isInvalidOutput } from "../../models/structured/is-invalid-output.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { ModelCall } from "./prepare-model-call.js";

/** The answer as data: what the customer reads, and the passages it used. */
export const structuredAnswerSchema = z
  .object({
    reply: z.string().trim().min(1).max(4000),
    cited: z.array(z.string().regex(/^S\d+$/)).max(20),
  })
  .strict();

export type StructuredAnswer = z.infer<typeof structuredAnswerSchema>;

const answerInstruction =
  '\n\nWhen you have your answer, reply with JSON only: {"reply": "what you say to the customer, citing the documents you used like [S1]", "cited": ["S1"]}. To use a tool, call it instead.';

export type GeneratedStructuredAnswer =
  | { ok: true; answer: StructuredAnswer; steps: StepResult<ToolSet>[] }
  | { ok: false; detail: string };

/**
 * Step 6, for callers that need the answer as data rather than as a stream
 * (the teacher recording training data, an evaluation scoring it): the same
 * prepared call, the final answer constrained to `structuredAnswerSchema`.
 * With `useTools`, the model may call the agent's tools up to `maxSteps`
 * steps; when the loop ends on a tool call, one more call without tools asks
 * for the answer. Output that does not match is tried again with another seed
 * (`attempts` in all) and then reported as `{ ok: false }` with what was
 * wrong: model nonsense never throws. Everything else (an abort, an engine
 * failure) does.
 */
export async function generateStructuredAnswer(input: {
  model: LanguageModelV3;
  call: ModelCall;
  useTools: boolean;
  maxSteps: number;
  maxOutputTokens: number;
  attempts: number;
  seed: number;
  temperature: number;
  signal: AbortSignal;
}): Promise<GeneratedStructuredAnswer> {
  const { call } = input;
  const system = call.system + answerInstruction;
  let detail = "";
  const { generateText, Output, stepCountIs } = await loadAiSdk();
  for (let attempt = 0; attempt < input.attempts; attempt++) {
    try {
      const result = await generateText({
        model: input.model,
        system,
        messages: call.messages,
        ...(input.useTools ? { tools: call.tools, stopWhen: stepCountIs(input.maxSteps) } : {}),
        output: Output.object({ schema: structuredAnswerSchema }),
        maxOutputTokens: input.maxOutputTokens,
        temperature: input.temperature,
        seed: (input.seed + attempt * 7919) & 0x7fffffff,
        maxRetries: 0,
        abortSignal: input.signal,
      });
      const finish = () => finishWithoutTools(input, system, [...call.messages, ...result.response.messages]);
      const parsed = structuredAnswerSchema.safeParse(await finalOutput(result, finish));
      if (parsed.success) return { ok: true, answer: parsed.data, steps: result.steps };
      detail = describeIssues(parsed.error);
    } catch (error) {
      if (input.signal.aborted || !isInvalidOutput(error)) throw error;
      detail = describeError(error);
    }
  }
  return { ok: false, detail: `no valid JSON after ${input.attempts} attempts: ${detail}` };
}

/** `result.output`, or the finishing call's when the last step was a tool call or the output did not parse. */
async function finalOutput(
  result: { output: unknown; finishReason: string },
  finish: () => Promise<unknown>,
): Promise<unknown> {
  if (result.finishReason === "tool-calls") return finish();
  try {
    return result.output;
  } catch (error) {
    if (isInvalidOutput(error)) return finish();
    throw error;
  }
}

/** The loop ended on a tool call (`maxSteps`): one more call, without tools, for the answer. */
async function finishWithoutTools(
  input: { model: LanguageModelV3; maxOutputTokens: number; seed: number; signal: AbortSignal },
  system: string,
  messages: ModelMessage[],
): Promise<unknown> {
  const result = await generateStructured({
    model: input.model,
    schema: structuredAnswerSchema,
    system,
    messages,
    maxOutputTokens: input.maxOutputTokens,
    seed: input.seed + 1,
    signal: input.signal,
    attempts: 1,
  });
  return result.ok ? result.value : undefined;
}
