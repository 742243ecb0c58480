import { type ImageModelV3, NoSuchModelError, type ProviderV3 } from "@ai-sdk/provider";
import {
  getLlamaRuntime,
  type LlamaBackendInfo,
  type LlamaGpuSetting,
  type RuntimeLogger,
} from "./llama-runtime.js";
import { LlamaCppEmbeddingModel } from "./llamacpp-embedding-model.js";
import { LlamaCppLanguageModel } from "./llamacpp-language-model.js";
import { type LoadedModel, ModelPool, type ModelPoolOptions, type SequenceLease } from "./model-pool.js";

/**
 * The embedded provider: GGUF models run in-process by llama.cpp, through the
 * AI SDK's provider interface. Model ids are GGUF file paths.
 *
 * ```ts
 * const llamacpp = createLlamaCpp({ threads: 1 });
 * const { text } = await generateText({ model: llamacpp("models/qwen2.5-0.5b-q4_k_m.gguf"), prompt: "Hi" });
 * await llamacpp.dispose();
 * ```
 *
 * Each provider owns a model pool (models load on first use and stay loaded
 * until `dispose()`); all providers in a process share one llama.cpp runtime.
 */

export interface LlamaCppProviderSettings extends Omit<ModelPoolOptions, "runtime"> {
  /** GPU backend: "auto" (default: CUDA, Vulkan or Metal when present, else CPU), false for CPU only, or a named one. */
  gpu?: LlamaGpuSetting;
  /** Where runtime warnings go (GPU fallback); default console.warn. pino's logger fits. */
  logger?: RuntimeLogger;
  /** Provider name in AI SDK results and telemetry. Default "llamacpp". */
  name?: string;
}

export interface LlamaCppLanguageModelOptions {
  /** LoRA adapters applied to every call of this model; a call's `providerOptions.llamacpp.lora` replaces them. */
  lora?: { path: string; scale?: number }[];
}

export interface LlamaCppProvider extends ProviderV3 {
  (modelPath: string, options?: LlamaCppLanguageModelOptions): LlamaCppLanguageModel;
  languageModel(modelPath: string, options?: LlamaCppLanguageModelOptions): LlamaCppLanguageModel;
  embeddingModel(modelPath: string): LlamaCppEmbeddingModel;
  textEmbeddingModel(modelPath: string): LlamaCppEmbeddingModel;
  /** Which llama.cpp backend runs the models (starts the runtime if needed). */
  backend(): Promise<LlamaBackendInfo>;
  /** Loads a model now (instead of on its first call), e.g. to fail fast at startup. */
  load(modelPath: string): Promise<LoadedModel>;
  /**
   * Borrows one of the pool's context sequences of a model, for node-llama-cpp's
   * own APIs on the loaded model (LlamaCompletion, infill, benchmarks). Calls
   * through the provider wait for it; release it when done.
   */
  acquireSequence(modelPath: string, options?: { signal?: AbortSignal }): Promise<SequenceLease>;
  /** Unloads every model this provider loaded. */
  dispose(): Promise<void>;
}

export function createLlamaCpp(settings: LlamaCppProviderSettings = {}): LlamaCppProvider {
  const { gpu, logger, name = "llamacpp", ...poolOptions } = settings;
  const runtime = () => getLlamaRuntime({ gpu: gpu ?? "auto", ...(logger ? { logger } : {}) });
  const pool = new ModelPool({ ...poolOptions, runtime });

  const languageModel = (modelPath: string, options: LlamaCppLanguageModelOptions = {}) =>
    new LlamaCppLanguageModel(modelPath, {
      provider: `${name}.chat`,
      pool,
      ...(options.lora ? { lora: options.lora } : {}),
    });
  const embeddingModel = (modelPath: string) =>
    new LlamaCppEmbeddingModel(modelPath, { provider: `${name}.embedding`, pool });

  const provider = ((modelPath: string, options?: LlamaCppLanguageModelOptions) =>
    languageModel(modelPath, options)) as LlamaCppProvider;
  Object.assign(provider, {
    specificationVersion: "v3" as const,
    languageModel,
    embeddingModel,
    textEmbeddingModel: embeddingModel,
    imageModel: (modelId: string): ImageModelV3 => {
      throw new NoSuchModelError({
        modelId,
        modelType: "imageModel",
        message: "the llama.cpp provider has no image models",
      });
    },
    backend: async () => (await runtime()).backend,
    load: (modelPath: string) => pool.load(modelPath),
    acquireSequence: (modelPath: string, options: { signal?: AbortSignal } = {}) =>
      pool.acquire(modelPath, options),
    dispose: () => pool.dispose(),
  });
  return provider;
}
