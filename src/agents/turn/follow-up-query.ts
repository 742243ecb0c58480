import { contentTerms } from "../../knowledge/query-terms.js";
import type { Message } from "../../spec/store.js";
import { normalizeForMatch } from "../handoff-rules.js";

/** A message with at most this many topic words may lean on the previous question. */
const FOLLOW_UP_TERMS = 3;

/** How a follow-up opens: "¿y el sábado?", "and for a week?", "what about…", "¿también…?". */
const opensFollowUp = /^\s*[¿¡]?\s*(y|e|and|what about|how about|tambien|also|entonces|then|vale y|ok and)\b/;

/** What a bare follow-up asks without naming a topic ("how much?", "¿cuánto cuesta?", "¿cuándo?"). */
const bareQuestion =
  /^\s*[¿¡]?\s*(how much|how long|how many|when|where|which|what time|cuanto|cuanta|cuantos|cuando|donde|cual|que precio|precio|price|a que hora)\b/;

/**
 * The text retrieval searches for a customer's message: the message itself,
 * or — when it leans on the previous question ("how much?" after "Do you
 * deliver to Benimaclet?", "¿y el sábado?" after "¿A qué hora abrís el
 * domingo?") — the previous customer message followed by this one. A message
 * leans on the previous one when it opens like a follow-up or is a bare
 * question, and has at most three topic words. `history` is the
 * conversation before this message; without a previous customer message the
 * message is searched alone.
 */
export function followUpQuery(message: string, history: readonly Message[]): string {
  const previous = [...history].reverse().find((m) => m.role === "user")?.content;
  if (previous === undefined) return message;
  const text = normalizeForMatch(message);
  const short = contentTerms(message).length <= FOLLOW_UP_TERMS;
  if (!short || !(opensFollowUp.test(text) || bareQuestion.test(text))) return message;
  return `${previous}\n${message}`;
}
