/**
 * What a remote engine says about itself, read once per engine and model
 * (`probeEngine`) from the endpoints each engine already has:
 *
 * | engine       | recognised by                                   | context size (tokens per request)                 |
 * |--------------|-------------------------------------------------|---------------------------------------------------|
 * | llama-server | `GET /props` with `default_generation_settings` | `/props` `default_generation_settings.n_ctx` (one slot), else `/v1/models` `meta.n_ctx` |
 * | vLLM         | `/v1/models` `owned_by: "vllm"`, or `GET /version` | `/v1/models` `max_model_len`                    |
 * | Ollama       | `GET /api/version`                              | `POST /api/show` `parameters` `num_ctx` when the model sets it (Ollama's own default otherwise: not reported) |
 *
 * `constrainsJson` says whether the engine turns `response_format:
 * {type: "json_schema"}` into constrained decoding: llama-server (its
 * json_schema → grammar) and vLLM (guided decoding) do; Ollama does from 0.5
 * (its `/v1` maps the schema to its `format`); anything else is unknown.
 */
import { z } from "zod";

export type EngineKind = "llama-server" | "vllm" | "ollama" | "unknown";

export interface EngineInfo {
  kind: EngineKind;
  /** The engine's version when it reports one. */
  version?: string;
  /** Prompt and reply together, in tokens, for one request to this model; undefined when the engine does not say. */
  contextTokens?: number;
  /** true/false when known; undefined for an engine we do not recognise. */
  constrainsJson?: boolean;
}

export interface ProbeOptions {
  /** The OpenAI API root, e.g. `http://host:8080/v1`. */
  baseURL: string;
  /** The model id the engine serves (picks the entry of `/v1/models`). */
  modelId: string;
  headers?: Record<string, string>;
  /** Per request, in milliseconds. Default 5 000. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const modelsBody = z.object({
  data: z.array(
    z.looseObject({
      id: z.string(),
      owned_by: z.string().optional(),
      max_model_len: z.number().int().positive().optional(),
      meta: z.looseObject({ n_ctx: z.number().int().optional() }).nullish(),
    }),
  ),
});
const propsBody = z.looseObject({
  default_generation_settings: z.looseObject({ n_ctx: z.number().int().optional() }),
  build_info: z.string().optional(),
});
const versionBody = z.looseObject({ version: z.string() });
const ollamaShowBody = z.looseObject({ parameters: z.string().optional() });

/**
 * Reads what the engine says about itself. Never throws: each endpoint is
 * best effort, and what none of them answered stays undefined. Returns
 * `reachable: false` when no endpoint answered at all (the caller should not
 * cache that: the engine may still be starting).
 */
export async function probeEngine(options: ProbeOptions): Promise<EngineInfo & { reachable: boolean }> {
  const root = options.baseURL.replace(/\/v1\/?$/, "");
  let reachable = false;
  const get = async <T>(url: string, schema: z.ZodType<T>, init?: RequestInit): Promise<T | undefined> => {
    try {
      const response = await (options.fetch ?? globalThis.fetch)(url, {
        ...init,
        headers: { ...options.headers, ...(init?.body ? { "content-type": "application/json" } : {}) },
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      reachable = true;
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        return undefined;
      }
      const parsed = schema.safeParse(await response.json());
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const [models, props] = await Promise.all([
    get(`${options.baseURL}/models`, modelsBody),
    get(`${root}/props`, propsBody),
  ]);
  const entry = models?.data.find((m) => m.id === options.modelId) ?? models?.data[0];
  if (props) {
    return {
      reachable,
      kind: "llama-server",
      ...(props.build_info ? { version: props.build_info } : {}),
      ...optionalContext(props.default_generation_settings.n_ctx ?? entry?.meta?.n_ctx),
      constrainsJson: true,
    };
  }
  const vllmVersion = entry?.max_model_len !== undefined || entry?.owned_by === "vllm";
  const version = await get(`${root}/version`, versionBody);
  if (vllmVersion || version) {
    return {
      reachable,
      kind: "vllm",
      ...(version ? { version: version.version } : {}),
      ...optionalContext(entry?.max_model_len),
      constrainsJson: true,
    };
  }
  const ollama = await get(`${root}/api/version`, versionBody);
  if (ollama) {
    const show = await get(`${root}/api/show`, ollamaShowBody, {
      method: "POST",
      body: JSON.stringify({ model: options.modelId }),
    });
    const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(show?.parameters ?? "")?.[1];
    return {
      reachable,
      kind: "ollama",
      version: ollama.version,
      ...optionalContext(numCtx === undefined ? undefined : Number(numCtx)),
      constrainsJson: versionAtLeast(ollama.version, [0, 5]),
    };
  }
  return { reachable, kind: "unknown", ...optionalContext(entry?.meta?.n_ctx ?? entry?.max_model_len) };
}

function optionalContext(tokens: number | undefined): { contextTokens?: number } {
  return tokens !== undefined && Number.isInteger(tokens) && tokens > 0 ? { contextTokens: tokens } : {};
}

/** `0.5.7` ≥ [0, 5]; an unreadable version counts as recent (Ollama's dev builds say `0.0.0`). */
export function versionAtLeast(version: string, least: number[]): boolean {
  const parts = version.replace(/^v/, "").split(/[.-]/).map(Number);
  if (parts.every((p) => p === 0) || parts.some((p, i) => i < least.length && Number.isNaN(p))) return true;
  for (let i = 0; i < least.length; i++) {
    const have = parts[i] ?? 0;
    if (have !== least[i]) return have > least[i]!;
  }
  return true;
}
