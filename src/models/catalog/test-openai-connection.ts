import { AlambiqueError, UsageError } from "../../spec/errors.js";
import { createOpenAICompatibleProvider } from "../openai-compatible/create-openai-compatible-provider.js";
import { parseBaseUrl } from "./model-source.js";
import { probeOpenAiEndpoint } from "./probe-openai-endpoint.js";

export interface ConnectionReport {
  /** The base URL as it would be stored (`http://host:port/v1`, no trailing slash). */
  baseUrl: string;
  /** What `GET {base}/models` lists. */
  models: string[];
  /** The model the one-token chat went to; null when the engine serves several and none was named. */
  model: string | null;
  /** The engine's one token (may be empty text); null when no chat was sent. */
  reply: string | null;
  /** How long the one-token chat took, in milliseconds; null when none was sent. */
  latencyMs: number | null;
}

/**
 * What "test connection" does before an OpenAI-compatible engine is added:
 * lists its models (`GET {base}/models`), then sends a one-token chat to
 * `remoteModel` (or to its only model) through the very provider agents use,
 * so that a key, a model id or a chat endpoint that will fail later fails here.
 *
 * Throws UsageError for a URL that is not http(s) or an `apiKeyEnv` that is
 * not set; AlambiqueError `engine_unreachable | engine_unauthorized |
 * engine_incompatible` from the listing (see `probeOpenAiEndpoint`),
 * `engine_model_not_found` when `remoteModel` is not listed, and the chat's
 * own engine errors (see `normalizeEngineError`). No retries: one try each.
 */
export async function testOpenAiConnection(
  url: string,
  options: { apiKeyEnv?: string; remoteModel?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ConnectionReport> {
  const baseUrl = parseBaseUrl(url);
  const env = options.env ?? process.env;
  const apiKey = options.apiKeyEnv ? env[options.apiKeyEnv] : undefined;
  if (options.apiKeyEnv && !apiKey) {
    throw new UsageError(
      `the environment variable ${options.apiKeyEnv} is not set on the server`,
      `export ${options.apiKeyEnv}=… in the server's environment and restart it, or leave the key's variable empty`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const models = await probeOpenAiEndpoint(baseUrl, { ...(apiKey ? { apiKey } : {}), timeoutMs });
  const wanted = options.remoteModel;
  if (wanted !== undefined && !models.includes(wanted)) {
    throw new AlambiqueError(`the engine at ${baseUrl} does not serve "${wanted}"`, {
      code: "engine_model_not_found",
      status: 502,
      retryable: false,
      hint: `pick one it serves: ${models.join(", ") || "it lists none"}`,
    });
  }
  const model = wanted ?? (models.length === 1 ? models[0]! : null);
  if (model === null) return { baseUrl, models, model, reply: null, latencyMs: null };
  const provider = createOpenAICompatibleProvider({
    baseURL: baseUrl,
    name: "connection-test",
    ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
    env,
    retry: { retries: 0, timeoutMs },
  });
  const started = performance.now();
  const result = await provider.languageModel(model).doGenerate({
    prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    maxOutputTokens: 1,
    abortSignal: AbortSignal.timeout(timeoutMs),
  });
  const latencyMs = Math.round(performance.now() - started);
  const reply = result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
  return { baseUrl, models, model, reply, latencyMs };
}
