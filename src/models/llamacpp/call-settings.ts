import type { LanguageModelV3CallOptions, SharedV3Warning } from "@ai-sdk/provider";
import type { LLamaContextualRepeatPenalty } from "node-llama-cpp";
import { z } from "zod";
import { ValidationError } from "../../spec/errors.js";
import type { LoraAdapter } from "./model-pool.js";

/**
 * AI SDK call settings → node-llama-cpp sampling options, with a warning
 * (never an error) for settings that cannot apply, as the AI SDK's own
 * providers do.
 */

export const PROVIDER_OPTIONS_KEY = "llamacpp";

/** `providerOptions.llamacpp`: what only this provider understands. */
export const llamaCppCallOptionsSchema = z.object({
  /** LoRA adapters to apply for this call. Each distinct set gets its own context (see ModelPool). */
  lora: z.array(z.object({ path: z.string().min(1), scale: z.number().optional() })).optional(),
  /** Min-p sampling: drop tokens below this fraction of the top token's probability. */
  minP: z.number().min(0).max(1).optional(),
  /**
   * Report how sure the model was of its answer: the probability of each
   * token it chose, summarised in `providerMetadata.llamacpp.tokenConfidence`
   * (`{ mean, min, tokens }`). Student-first routing reads it.
   */
  tokenConfidence: z.boolean().optional(),
});

export type LlamaCppCallOptions = z.infer<typeof llamaCppCallOptionsSchema>;

export interface SamplingSettings {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  maxOutputTokens?: number;
  customStopTriggers?: string[];
  repeatPenalty: false | LLamaContextualRepeatPenalty;
}

export interface CallSettings {
  sampling: SamplingSettings;
  /** Undefined when the call names none (the model's default adapters apply). */
  lora: LoraAdapter[] | undefined;
  /** Record each chosen token's probability (see `llamaCppCallOptionsSchema.tokenConfidence`). */
  tokenConfidence: boolean;
  warnings: SharedV3Warning[];
}

export function toCallSettings(options: LanguageModelV3CallOptions): CallSettings {
  const warnings: SharedV3Warning[] = [];
  const raw = options.providerOptions?.[PROVIDER_OPTIONS_KEY];
  const parsed =
    raw === undefined ? { success: true as const, data: {} } : llamaCppCallOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      `invalid providerOptions.${PROVIDER_OPTIONS_KEY}`,
      parsed.error.issues.map((issue) => ({
        path: [
          "providerOptions",
          PROVIDER_OPTIONS_KEY,
          ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
        ],
        message: issue.message,
      })),
      "Expected { lora?: [{ path: string, scale?: number }], minP?: number, tokenConfidence?: boolean }.",
    );
  }
  const extra = parsed.data;
  const greedy = options.temperature === undefined || options.temperature === 0;
  for (const [feature, value] of [
    ["topP", options.topP],
    ["topK", options.topK],
    ["seed", options.seed],
  ] as const) {
    if (value !== undefined && greedy) {
      warnings.push({
        type: "other",
        message: `${feature} has no effect with temperature ${options.temperature ?? "unset"}: decoding is greedy. Set a temperature above 0.`,
      });
    }
  }
  if (
    options.maxOutputTokens !== undefined &&
    (!Number.isInteger(options.maxOutputTokens) || options.maxOutputTokens < 1)
  ) {
    throw new ValidationError(`maxOutputTokens must be a positive integer, got ${options.maxOutputTokens}`, [
      { path: ["maxOutputTokens"], message: "expected an integer >= 1" },
    ]);
  }
  const penalised = options.presencePenalty !== undefined || options.frequencyPenalty !== undefined;
  const sampling: SamplingSettings = {
    // No penalty unless asked: node-llama-cpp's LlamaChat otherwise applies a 1.1 repeat penalty by default.
    repeatPenalty: penalised
      ? {
          penalty: 1,
          presencePenalty: options.presencePenalty ?? 0,
          frequencyPenalty: options.frequencyPenalty ?? 0,
        }
      : false,
  };
  if (options.temperature !== undefined) sampling.temperature = options.temperature;
  if (options.topP !== undefined) sampling.topP = options.topP;
  if (options.topK !== undefined) sampling.topK = options.topK;
  if (extra.minP !== undefined) sampling.minP = extra.minP;
  if (options.seed !== undefined) sampling.seed = options.seed;
  if (options.maxOutputTokens !== undefined) sampling.maxOutputTokens = options.maxOutputTokens;
  const stops = (options.stopSequences ?? []).filter((stop) => stop.length > 0);
  if (stops.length > 0) sampling.customStopTriggers = stops;
  return { sampling, lora: extra.lora, tokenConfidence: extra.tokenConfidence === true, warnings };
}
