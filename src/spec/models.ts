/**
 * How the layers above `models/` get a model. The model interface itself is the
 * Vercel AI SDK's provider spec (`@ai-sdk/provider` v3), the one model
 * interface inside the project: every provider (embedded llama.cpp,
 * OpenAI-compatible engines) implements `LanguageModelV3` / `EmbeddingModelV3`.
 */
import type { EmbeddingModelV3, LanguageModelV3 } from "@ai-sdk/provider";
import type { ModelRecord } from "./store.js";

export type { EmbeddingModelV3, LanguageModelV3 };

export interface ModelResolver {
  /**
   * A catalog name, or a path to a local `.gguf` file. Throws `NotFoundError`
   * (with a hint to `alambique models list`) when it is neither.
   */
  languageModel(nameOrPath: string): Promise<LanguageModelV3>;
  embeddingModel(nameOrPath: string): Promise<EmbeddingModelV3>;
  /** The catalog, as `GET /v1/models` and `alambique models list` show it. */
  list(): Promise<ModelRecord[]>;
  /**
   * The entry of `list()` named `name`, or undefined: one lookup instead of the
   * whole catalog (a path is not resolved). Optional: without it, callers find
   * the name in `list()`.
   */
  get?(name: string): Promise<ModelRecord | undefined>;
  /**
   * Tokens one request to the model may hold, prompt and reply together: a
   * context size the catalog was given wins, then what a remote engine
   * reports, then the GGUF's own; undefined when nothing says (callers assume
   * `DEFAULT_CONTEXT_TOKENS`). Optional: resolvers that cannot tell omit it.
   */
  contextTokens?(nameOrPath: string): Promise<number | undefined>;
}
