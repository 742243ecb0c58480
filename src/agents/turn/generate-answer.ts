import type { SharedV3ProviderOptions } from "@ai-sdk/provider";
import type { StepResult, ToolSet } from "ai";
import { loadAiSdk } from "../../models/ai-sdk.js";
import { createCustomerTextStream } from "../../safety/customer-text-stream.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { ModelCall } from "./prepare-model-call.js";
import { ANSWER_TOKENS } from "./turn-budget.js";

export interface GeneratedAnswer {
  /** What the customer was shown: the model's words, sanitised as they streamed. */
  text: string;
  steps: StepResult<ToolSet>[];
  usage: { inputTokens: number; outputTokens: number };
  /**
   * Mean probability of the tokens the model chose, over every step, when its
   * engine reports it (asked with `providerOptions.llamacpp.tokenConfidence`).
   */
  tokenConfidence?: number;
}

/**
 * Step 6: the model with the agent's tools, up to `maxSteps` steps, streamed.
 * Each piece is sanitised before the customer sees it (`onDelta`), across
 * piece boundaries, so what is stored is exactly what was shown. A tool's
 * failure goes back to the model as its result; a model's failure throws.
 */
export async function generateAnswer(input: {
  model: LanguageModelV3;
  call: ModelCall;
  maxSteps: number;
  onDelta?: ((text: string) => void) | undefined;
  signal?: AbortSignal | undefined;
  providerOptions?: SharedV3ProviderOptions | undefined;
}): Promise<GeneratedAnswer> {
  const { call } = input;
  const { stepCountIs, streamText } = await loadAiSdk();
  const result = streamText({
    model: input.model,
    system: call.system,
    messages: call.messages,
    tools: call.tools,
    stopWhen: stepCountIs(input.maxSteps),
    maxOutputTokens: ANSWER_TOKENS,
    maxRetries: 0,
    ...(input.signal ? { abortSignal: input.signal } : {}),
    ...(input.providerOptions ? { providerOptions: input.providerOptions } : {}),
    onError: () => {},
  });
  let text = "";
  const shown = createCustomerTextStream();
  const show = (safe: string) => {
    if (safe === "") return;
    text += safe;
    input.onDelta?.(safe);
  };
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") show(shown.push(part.text));
    else if (part.type === "error") throw part.error;
  }
  show(shown.end());
  const usage = await result.totalUsage;
  const steps = await result.steps;
  const confidence = meanTokenConfidence(steps);
  return {
    text,
    steps,
    usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 },
    ...(confidence === undefined ? {} : { tokenConfidence: confidence }),
  };
}

/** The steps' `tokenConfidence` means, weighted by their tokens; undefined when no step reports one. */
function meanTokenConfidence(steps: ReadonlyArray<{ providerMetadata?: unknown }>): number | undefined {
  let sum = 0;
  let tokens = 0;
  for (const step of steps) {
    const c = (step.providerMetadata as { llamacpp?: { tokenConfidence?: { mean: number; tokens: number } } })
      ?.llamacpp?.tokenConfidence;
    if (c && c.tokens > 0) {
      sum += c.mean * c.tokens;
      tokens += c.tokens;
    }
  }
  return tokens > 0 ? sum / tokens : undefined;
}
