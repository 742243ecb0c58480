/**
 * A `SynthModelSource` over models in hand (an instant model, a wrapped one),
 * with catalog records made up from the facts given: for tests and
 * benchmarks that need a teacher the catalog cannot load.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { EmbeddingModelV3, LanguageModelV3 } from "../../spec/models.js";
import type { ModelRecord } from "../../spec/store.js";
import type { SynthModelSource } from "./load-synth-context.js";

export function fixedModelSource(
  models: Record<string, { model: LanguageModelV3; record?: Partial<ModelRecord> }>,
): SynthModelSource {
  const record = (name: string): ModelRecord => {
    const entry = models[name];
    if (!entry) throw new NotFoundError("model", name);
    const now = new Date(0).toISOString();
    return {
      name,
      source: `url:http://127.0.0.1/${name}`,
      architecture: null,
      parameterCount: null,
      quantization: null,
      contextLength: null,
      licenseId: "apache-2.0",
      licenseUrl: null,
      weightsOpenness: "open",
      dataOpenness: null,
      codeOpenness: null,
      outputsMayTrain: true,
      metadata: { pricePerMillionInput: 1, pricePerMillionOutput: 2 },
      createdAt: now,
      updatedAt: now,
      ...entry.record,
    };
  };
  return {
    find: async (name) => record(name),
    list: async () => Object.keys(models).map(record),
    languageModel: async (name) => {
      record(name);
      return models[name]!.model;
    },
    embeddingModel: async (name): Promise<EmbeddingModelV3> => {
      throw new NotFoundError("embedding model", name);
    },
  };
}
