import { AlambiqueError } from "../../spec/errors.js";

/**
 * An engine's refusal of a prompt longer than its context, in the agent's
 * terms (`context_length_exceeded`, as the embedded provider says it), or
 * undefined when the error body is something else. Read from:
 * - llama-server: `{"error":{"type":"exceed_context_size_error","n_prompt_tokens":1778,"n_ctx":512,…}}`
 *   (message `request (1778 tokens) exceeds the available context size (512 tokens)`);
 * - vLLM: `This model's maximum context length is 4096 tokens. However, you requested 5000 tokens
 *   (4000 in the messages, 1000 in the completion)` (or `…your request has 5000 input tokens`).
 * Ollama cuts an over-long prompt itself and does not refuse.
 */
export function contextRefusal(body: string | undefined, baseURL: string): AlambiqueError | undefined {
  if (!body) return undefined;
  const sizes = llamaServerSizes(body) ?? vllmSizes(body);
  if (!sizes) return undefined;
  const lead =
    sizes.prompt === undefined ? "the prompt does not fit:" : `the prompt is ${sizes.prompt} tokens, but`;
  return new AlambiqueError(
    `${lead} the engine at ${baseURL} holds ${sizes.context} tokens per request (prompt and reply together)`,
    {
      code: "context_length_exceeded",
      status: 400,
      retryable: false,
      hint:
        "Shorten the prompt (fewer or shorter messages, less retrieved text), or start the engine with a " +
        "larger context (llama-server -c N, vLLM --max-model-len N); a --context-size given to the model in " +
        "the catalog must not exceed the engine's.",
    },
  );
}

function llamaServerSizes(body: string): { prompt?: number; context: number } | undefined {
  try {
    const error = (
      JSON.parse(body) as { error?: { type?: unknown; n_prompt_tokens?: unknown; n_ctx?: unknown } }
    ).error;
    if (error?.type !== "exceed_context_size_error" || typeof error.n_ctx !== "number") return undefined;
    return {
      context: error.n_ctx,
      ...(typeof error.n_prompt_tokens === "number" ? { prompt: error.n_prompt_tokens } : {}),
    };
  } catch {
    return undefined;
  }
}

function vllmSizes(body: string): { prompt?: number; context: number } | undefined {
  const context = /maximum context length is (\d+) tokens/.exec(body)?.[1];
  if (context === undefined) return undefined;
  const prompt = /\((\d+) in the messages|request has (\d+) input tokens/.exec(body);
  const promptTokens = prompt?.[1] ?? prompt?.[2];
  return { context: Number(context), ...(promptTokens ? { prompt: Number(promptTokens) } : {}) };
}
