import { AlambiqueError } from "../../spec/errors.js";

export interface EngineCheckOptions {
  /** The base URL as configured, for messages. */
  baseURL: string;
  /** The name of the environment variable holding the API key, if any, for the hint on a refused key. */
  apiKeyEnv?: string;
}

const baseUrlHint =
  "give the engine's OpenAI API root, usually ending in /v1 (vLLM, SGLang, llama-server: http://host:8000/v1 or :8080/v1; Ollama: http://host:11434/v1; TGI: http://host:8080/v1)";

/**
 * Wraps a `fetch` so that an engine that does not speak the OpenAI protocol
 * fails with a clear `AlambiqueError` instead of a parse error deep in the
 * SDK. Throws:
 * - `engine_incompatible` (502) for an HTML page, a 404 that is not an
 *   OpenAI-style JSON error (a wrong base URL: nothing at `/chat/completions`),
 *   or a success that is neither JSON nor an event stream;
 * - `engine_model_not_found` (502) for an OpenAI-style 404 (the engine is
 *   right, the model id is not);
 * - `engine_unauthorized` (502) for 401/403.
 * Other responses pass through unchanged.
 */
export function withEngineChecks(
  fetch: typeof globalThis.fetch,
  options: EngineCheckOptions,
): typeof globalThis.fetch {
  return async function checkedFetch(input, init) {
    const response = await fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const type = response.headers.get("content-type") ?? "";
    if (/text\/html/i.test(type)) {
      await response.body?.cancel().catch(() => {});
      throw incompatible(`${url} answered with an HTML page (HTTP ${response.status}), not the OpenAI API`);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => {});
      throw new AlambiqueError(
        `the engine at ${options.baseURL} refused the request (HTTP ${response.status})`,
        {
          code: "engine_unauthorized",
          status: 502,
          retryable: false,
          hint: options.apiKeyEnv
            ? `check the API key in the environment variable ${options.apiKeyEnv}`
            : "the engine wants an API key: give the name of the environment variable that holds it (--api-key-env)",
        },
      );
    }
    if (response.status === 404) {
      const text = await response.text().catch(() => "");
      if (isOpenAIError(text)) {
        throw new AlambiqueError(
          `the engine at ${options.baseURL} does not serve the model ${modelOf(init?.body) ?? "asked for"}: ${errorMessage(text)}`,
          {
            code: "engine_model_not_found",
            status: 502,
            retryable: false,
            hint: `GET ${options.baseURL}/models lists the model ids the engine serves`,
          },
        );
      }
      throw incompatible(`nothing OpenAI-compatible at ${url} (HTTP 404)`);
    }
    if (response.ok && type !== "" && !/json|event-stream/i.test(type)) {
      await response.body?.cancel().catch(() => {});
      throw incompatible(`${url} answered with ${type.split(";")[0]}, not JSON or an event stream`);
    }
    return response;
  };
}

function incompatible(message: string): AlambiqueError {
  return new AlambiqueError(message, {
    code: "engine_incompatible",
    status: 502,
    retryable: false,
    hint: baseUrlHint,
  });
}

/** OpenAI's `{"error":{…}}`, or vLLM's flat `{"object":"error","message":…}`. */
function isOpenAIError(text: string): boolean {
  const body = parseJson(text) as { error?: unknown; object?: unknown } | undefined;
  return (
    typeof body === "object" && body !== null && (typeof body.error === "object" || body.object === "error")
  );
}

function errorMessage(text: string): string {
  const body = parseJson(text) as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === "string" ? message : "HTTP 404";
}

function modelOf(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  const model = (parseJson(body) as { model?: unknown } | undefined)?.model;
  return typeof model === "string" ? `"${model}"` : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
