import type { AgentSpec } from "../spec/agent.js";

/**
 * When a conversation goes to a person. Keyword rules are deliberate: they run
 * with no model (retrieval mode), cost nothing per turn, and a business can
 * read and predict them. Matching ignores case and accents.
 */
const asksForHuman = [
  /\b(hablar|habla|hablo|pasame|pásame|comunicar|contactar)\b.{0,30}\b(persona|humano|humana|alguien|agente|encargad[oa]|dependient[ea])\b/,
  /\b(una persona|un humano|persona real|atencion humana)\b/,
  /\b(talk|speak|chat)\b.{0,20}\b(to|with)\b.{0,20}\b(human|person|someone|agent|representative|staff|manager)\b/,
  /\b(real person|human agent|customer service rep)\b/,
];

export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();
}

export function requestsHuman(message: string): boolean {
  const text = normalizeForMatch(message);
  return asksForHuman.some((rule) => rule.test(text));
}

/**
 * The words of a message or a topic, folded (case, accents) and crudely
 * stemmed (a plural `-s`/`-es` dropped), so `reclamación` meets
 * `reclamaciones` and `complaint` meets `complaints`.
 */
function stems(text: string): string[] {
  return normalizeForMatch(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3)
    .map((w) =>
      w.length > 5 && w.endsWith("es")
        ? w.slice(0, -2)
        : w.length > 3 && w.endsWith("s")
          ? w.slice(0, -1)
          : w,
    );
}

/**
 * A topic is a list of alternatives separated by `/`, `|`, `,` or `or`/`o`
 * ("refunds / reembolsos / devoluciones"); an alternative matches when every
 * word of it (3+ letters) is in the message.
 */
function mentions(message: string, topic: string): boolean {
  const words = new Set(stems(message));
  return topic
    .split(/[/|,]|\s(?:or|o|and|y)\s/i)
    .map((alternative) => stems(alternative))
    .some((alternative) => alternative.length > 0 && alternative.every((w) => words.has(w)));
}

/** The first handoff topic the message mentions. */
export function handoffTopic(message: string, spec: AgentSpec): string | undefined {
  return spec.handoff.topics.find((topic) => mentions(message, topic));
}

/** Whether the message mentions one of the allowed topics (true when the agent allows every topic). */
export function withinAllowedTopics(message: string, spec: AgentSpec): boolean {
  if (spec.guardrails.allowedTopics.length === 0) return true;
  return spec.guardrails.allowedTopics.some((topic) => mentions(message, topic));
}
