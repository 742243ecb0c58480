import { detectLanguage } from "../../safety/detect-language.js";
import { looksLikeInjection } from "../../safety/fence-untrusted.js";
import { redactPii } from "../../safety/redact-pii.js";
import type { AgentSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { Message } from "../../spec/store.js";

/** Longest customer message handled, in characters; longer ones get a polite request to shorten. */
export const MAX_MESSAGE_CHARS = 8000;

/** The customer's message once guarded: what is stored, shown to models and matched. */
export interface GuardedInput {
  /** Truncated past `MAX_MESSAGE_CHARS`, PII masked when the agent masks it. */
  message: string;
  language: string;
  tooLong: boolean;
  /** Stored with the message: language, length, what was masked, flags. */
  meta: Record<string, JsonValue>;
}

/**
 * Step 2, the input guards: truncate, mask PII (before anything is stored or
 * sent), detect the language (the conversation's last one breaks ties), flag
 * what reads as a prompt injection. Pure: the same input, the same result.
 */
export function guardInput(input: { text: string; spec: AgentSpec; history: Message[] }): GuardedInput {
  const { text, spec, history } = input;
  const previousLanguage = [...history].reverse().find((m) => typeof m.metadata.language === "string")
    ?.metadata.language as string | undefined;
  const tooLong = text.length > MAX_MESSAGE_CHARS;
  const raw = tooLong ? `${text.slice(0, MAX_MESSAGE_CHARS)} [truncated]` : text;
  const redaction = spec.guardrails.redactPii ? redactPii(raw) : { text: raw, found: {} };
  const message = redaction.text;
  const language = detectLanguage(message, spec.languages, previousLanguage);
  const meta: Record<string, JsonValue> = { language, chars: text.length };
  if (Object.keys(redaction.found).length > 0) meta.redacted = redaction.found as Record<string, number>;
  if (looksLikeInjection(message)) meta.flags = ["possible_prompt_injection"];
  return { message, language, tooLong, meta };
}
