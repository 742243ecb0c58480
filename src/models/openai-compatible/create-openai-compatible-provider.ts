import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { EmbeddingModelV3, LanguageModelV3 } from "@ai-sdk/provider";
import { AlambiqueError } from "../../spec/errors.js";
import { withEngineChecks } from "./check-engine-response.js";
import { type EngineInfo, probeEngine } from "./engine-info.js";
import { createFetchWithRetry, type FetchWithRetryOptions } from "./fetch-with-retry.js";
import { normalizeEngineError } from "./normalize-engine-error.js";
import { remoteLanguageModel } from "./remote-language-model.js";

export interface OpenAICompatibleProviderOptions {
  /** The engine's OpenAI API root, e.g. `http://localhost:8000/v1`. */
  baseURL: string;
  /** Names the provider in logs and in `providerOptions`. Default `openai-compatible`. */
  name?: string;
  /**
   * The *name* of the environment variable that holds the engine's API key
   * (configuration holds names, never secrets). Absent: no key is sent.
   */
  apiKeyEnv?: string;
  /** Where `apiKeyEnv` is looked up. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** Timeouts and retries of each HTTP request. */
  retry?: FetchWithRetryOptions;
}

export interface OpenAICompatibleProvider {
  readonly baseURL: string;
  languageModel(modelId: string): LanguageModelV3;
  embeddingModel(modelId: string): EmbeddingModelV3;
  /**
   * What the engine says about itself and this model (kind, version, context
   * size, constrained decoding): probed on first use, then cached for the
   * provider's life. Never throws; an engine that did not answer is probed
   * again next time.
   */
  engineInfo(modelId: string): Promise<EngineInfo>;
}

/**
 * A provider for any engine that speaks the OpenAI API (vLLM, Ollama,
 * llama-server, TGI, SGLang, or another Alambique), on the AI SDK's
 * OpenAI-compatible provider, with usage in streams and JSON-schema structured
 * output enabled.
 *
 * Every request goes through `fetchWithRetry` (per-attempt timeout, backoff
 * on 429/5xx/network errors) and `withEngineChecks` (a wrong URL or a
 * non-OpenAI answer becomes a clear error), and every error the models throw
 * is an `AlambiqueError` (see `normalizeEngineError`). Language models keep
 * the embedded provider's guarantees on structured output and required tool
 * calls (see `remoteLanguageModel`).
 *
 * Throws `AlambiqueError` `invalid_base_url` for a base URL that is not
 * http(s), and `engine_api_key_missing` when `apiKeyEnv` names an unset variable.
 */
export function createOpenAICompatibleProvider(
  options: OpenAICompatibleProviderOptions,
): OpenAICompatibleProvider {
  const baseURL = normalizeBaseUrl(options.baseURL);
  const apiKey = readApiKey(options.apiKeyEnv, options.env ?? process.env);
  const fetch = withEngineChecks(createFetchWithRetry(options.retry), {
    baseURL,
    apiKeyEnv: options.apiKeyEnv,
  });
  const sdk = createOpenAICompatible({
    name: options.name ?? "openai-compatible",
    baseURL,
    apiKey,
    headers: options.headers,
    fetch,
    includeUsage: true,
    supportsStructuredOutputs: true,
  });
  const probes = new Map<string, Promise<EngineInfo>>();
  const engineInfo = (modelId: string): Promise<EngineInfo> => {
    let probe = probes.get(modelId);
    if (!probe) {
      probe = probeEngine({
        baseURL,
        modelId,
        headers: { ...options.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      }).then(({ reachable, ...info }) => {
        if (!reachable) probes.delete(modelId);
        return info;
      });
      probes.set(modelId, probe);
    }
    return probe;
  };
  return {
    baseURL,
    languageModel: (modelId) =>
      remoteLanguageModel(sdk.chatModel(modelId), { baseURL, engineInfo: () => engineInfo(modelId) }),
    embeddingModel: (modelId) => normalizedEmbeddingModel(sdk.embeddingModel(modelId), baseURL),
    engineInfo,
  };
}

function normalizedEmbeddingModel(model: EmbeddingModelV3, baseURL: string): EmbeddingModelV3 {
  return {
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    maxEmbeddingsPerCall: model.maxEmbeddingsPerCall,
    supportsParallelCalls: model.supportsParallelCalls,
    doEmbed: (options) =>
      Promise.resolve(model.doEmbed(options)).catch((error: unknown) => {
        throw normalizeEngineError(error, baseURL);
      }),
  };
}

function normalizeBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AlambiqueError(`not an http(s) base URL: ${JSON.stringify(value)}`, {
      code: "invalid_base_url",
      status: 400,
      retryable: false,
      hint: "give the engine's OpenAI API root, e.g. http://localhost:8000/v1",
    });
  }
  return url.href.replace(/\/+$/, "");
}

function readApiKey(name: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (name === undefined) return undefined;
  const key = env[name];
  if (key === undefined || key.trim() === "") {
    throw new AlambiqueError(
      `the environment variable ${name}, which should hold the engine's API key, is not set`,
      {
        code: "engine_api_key_missing",
        status: 500,
        retryable: false,
        hint: `set ${name} in the environment of the process that talks to the engine`,
      },
    );
  }
  return key.trim();
}
