/**
 * One structured call to a model: the answer must be JSON matching `schema`.
 * Our embedded provider guarantees that (grammar-constrained); a remote
 * engine may not, so the result is validated with zod here whatever the
 * provider says, and a mismatch is tried again with another seed, up to
 * `attempts` times. Then it comes back as `{ ok: false }` with what was wrong,
 * for the step to drop the row as `invalid_output`: model nonsense never
 * throws. Everything else (a timeout, a 429, an abort) is thrown, for the
 * engine to retry.
 */
import type { ModelMessage } from "ai";
import type { z } from "zod";
import type { LanguageModelV3 } from "../../spec/models.js";
import { loadAiSdk } from "../ai-sdk.js";
import { isInvalidOutput } from "./is-invalid-output.js";

export interface StructuredCall<T> {
  model: LanguageModelV3;
  schema: z.ZodType<T>;
  system: string;
  /** The conversation so far, or one user prompt. */
  messages: ModelMessage[];
  maxOutputTokens: number;
  seed: number;
  signal: AbortSignal;
  temperature?: number;
  /** Default 2. */
  attempts?: number;
}

export type Structured<T> = { ok: true; value: T } | { ok: false; detail: string };

export async function generateStructured<T>(call: StructuredCall<T>): Promise<Structured<T>> {
  const attempts = call.attempts ?? 2;
  let detail = "no attempt";
  const { generateText, Output } = await loadAiSdk();
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const result = await generateText({
        model: call.model,
        system: call.system,
        messages: call.messages,
        output: Output.object({ schema: call.schema }),
        maxOutputTokens: call.maxOutputTokens,
        temperature: call.temperature ?? 0.8,
        // Greedy decoding (a judge's temperature 0) has no use for a seed; giving one only draws a warning.
        ...(call.temperature === 0 ? {} : { seed: (call.seed + attempt * 7919) & 0x7fffffff }),
        maxRetries: 0,
        abortSignal: call.signal,
      });
      const parsed = call.schema.safeParse(result.output);
      if (parsed.success) return { ok: true, value: parsed.data };
      detail = describeIssues(parsed.error);
    } catch (error) {
      if (call.signal.aborted || !isInvalidOutput(error)) throw error;
      detail = describeError(error);
    }
  }
  return { ok: false, detail: `no valid JSON after ${attempts} attempts: ${detail}` };
}

/** The error's message and its causes' (the AI SDK wraps zod's issues two levels down), on one line. */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 3; e = e.cause)
    messages.push(e.message);
  return messages.join(" ← ").replace(/\s+/g, " ").slice(0, 400);
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`)
    .join("; ");
}
