/**
 * A model whose every call generates at most `maxTokens` tokens, whatever the
 * caller asks (the turn's answer budget, the judge's verdict): `--max-tokens`
 * bounds an evaluation's cost and time. A JSON answer cut short is still
 * closed validly by our embedded provider (see the README's design notes).
 */
import { wrapLanguageModel } from "ai";
import type { LanguageModelV3 } from "../../spec/models.js";

export function cappedModel(model: LanguageModelV3, maxTokens: number | null): LanguageModelV3 {
  if (maxTokens === null) return model;
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v3",
      transformParams: async ({ params }) => ({
        ...params,
        maxOutputTokens: Math.min(params.maxOutputTokens ?? maxTokens, maxTokens),
      }),
    },
  });
}
