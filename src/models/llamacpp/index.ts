/**
 * The embedded provider: GGUF models run in-process by llama.cpp
 * (node-llama-cpp) behind the AI SDK's provider interface.
 */

export {
  type LlamaCppCallOptions,
  llamaCppCallOptionsSchema,
  PROVIDER_OPTIONS_KEY,
} from "./call-settings.js";
export {
  createLlamaCpp,
  type LlamaCppLanguageModelOptions,
  type LlamaCppProvider,
  type LlamaCppProviderSettings,
} from "./create-llamacpp-provider.js";
export {
  disposeLlamaRuntimes,
  getLlamaRuntime,
  type LlamaBackendInfo,
  type LlamaGpuSetting,
  type RuntimeLogger,
} from "./llama-runtime.js";
export type { LlamaCppEmbeddingModel } from "./llamacpp-embedding-model.js";
export type { LlamaCppLanguageModel } from "./llamacpp-language-model.js";
export type { LoadedModel, LoraAdapter } from "./model-pool.js";
