import { AlambiqueError } from "../../spec/errors.js";

/**
 * Asks an OpenAI-compatible engine which models it serves (`GET {base}/models`).
 * Throws AlambiqueError `engine_unreachable` (retryable) when nothing answers,
 * and `engine_incompatible` when something answers that is not the OpenAI
 * protocol — each naming the URL and what to check.
 */
export async function probeOpenAiEndpoint(
  baseUrl: string,
  options: { apiKey?: string; timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<string[]> {
  const url = `${baseUrl}/models`;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (cause) {
    const detail = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
    throw new AlambiqueError(`no OpenAI-compatible engine answered at ${url} (${detail})`, {
      code: "engine_unreachable",
      status: 502,
      retryable: true,
      hint: "is the engine running and is this its base URL (usually ending in /v1)? Add with --no-probe to register it anyway",
      cause,
    });
  }
  if (response.status === 401 || response.status === 403) {
    throw new AlambiqueError(`the engine at ${baseUrl} refused the API key (HTTP ${response.status})`, {
      code: "engine_unauthorized",
      status: 502,
      retryable: false,
      hint: "pass --api-key-env NAME_OF_THE_VARIABLE that holds the engine's key, and check the key",
    });
  }
  const body = response.ok ? await response.json().catch(() => undefined) : undefined;
  const ids = (body as { data?: { id?: unknown }[] } | undefined)?.data?.map((m) => m.id);
  if (!ids?.every((id): id is string => typeof id === "string")) {
    throw new AlambiqueError(
      `${url} answered HTTP ${response.status} but not with an OpenAI model list ({"data":[{"id":…}]})`,
      {
        code: "engine_incompatible",
        status: 502,
        retryable: false,
        hint: "give the OpenAI-compatible base URL (vLLM, llama-server, SGLang: http://host:port/v1; Ollama: http://host:11434/v1)",
      },
    );
  }
  return ids;
}
