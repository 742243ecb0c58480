/** What `/readyz` may say of an engine: public words only, never its address. */
export type EngineHealth = { ok: true } | { ok: false; problem: string };

export interface EngineProbeOptions {
  /** How long an engine has to answer, in ms. Default 1 000. */
  timeoutMs?: number;
  /** How long an answer is reused, in ms, so that frequent probes cost one request per engine. Default 5 000. */
  ttlMs?: number;
  /** Told each time a probe finds an engine not ready, with its URL and the error: for the log only. */
  onDown?: (down: { baseUrl: string; problem: string; cause?: unknown }) => void;
  fetch?: typeof fetch;
  /** Milliseconds, monotonic. Default `performance.now`. */
  now?: () => number;
}

/** `(baseUrl, apiKey?)` → whether the engine answers. Never rejects. */
export type ProbeEngine = (baseUrl: string, apiKey?: string) => Promise<EngineHealth>;

/**
 * Whether a remote OpenAI-compatible engine answers `GET {baseUrl}/models`
 * within `timeoutMs`. Any answer below 500 counts as up (an engine that does
 * not list models still serves them); 401/403 is a key the engine refuses;
 * 5xx is an engine that answers but cannot serve (llama-server says 503
 * while it loads a model). Results are kept `ttlMs` per engine and key, and
 * callers that ask meanwhile share one request.
 */
export function createEngineProbe(options: EngineProbeOptions = {}): ProbeEngine {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? (() => performance.now());
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { at: number; health: Promise<EngineHealth> }>();

  const probe = async (baseUrl: string, apiKey: string | undefined): Promise<EngineHealth> => {
    let status: number;
    try {
      const response = await doFetch(`${baseUrl}/models`, {
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      await response.body?.cancel().catch(() => {});
    } catch (cause) {
      options.onDown?.({ baseUrl, problem: "unreachable", cause });
      return { ok: false, problem: "unreachable" };
    }
    if (status < 500 && status !== 401 && status !== 403) return { ok: true };
    const problem =
      status >= 500 ? `not serving (HTTP ${status})` : `refuses the configured API key (HTTP ${status})`;
    options.onDown?.({ baseUrl, problem });
    return { ok: false, problem };
  };

  return (baseUrl, apiKey) => {
    const key = `${baseUrl} ${apiKey ?? ""}`;
    const cached = cache.get(key);
    if (cached && now() - cached.at < ttlMs) return cached.health;
    const health = probe(baseUrl, apiKey);
    cache.set(key, { at: now(), health });
    return health;
  };
}
