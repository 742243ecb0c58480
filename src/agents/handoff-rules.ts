import { relatedWords } from "../knowledge/business-lexicon.js";
import { termVariants, wordMatchesTerm } from "../knowledge/query-terms.js";
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
 * The words customers use for what businesses list as handoff topics, in both
 * languages (folded, one group a line): "tengo una queja" is a complaint
 * whether the spec says "complaints" or "reclamaciones". Deliberately its own
 * short list, not the search lexicon: "¿puedo devolver un jersey?" asks about
 * the returns policy, "devolvedme el dinero" asks for a refund.
 */
const intentGroups: readonly string[] = [
  "queja quejas quejarme quejar reclamacion reclamaciones reclamar complaint complaints complain",
  "reembolso reembolsos reembolsar refund refunds devolvais devolvedme devuelvan",
  "alergia alergias alergico alergica alergicos alergicas allergy allergies allergic",
  "grave graves severe severa severo severely serious",
  "anafilaxia anafilactico anafilactica anaphylaxis anaphylactic",
  "celiaco celiaca celiacos celiacas celiaquia coeliac celiac",
  "accidente accidentes accident accidents",
];
const intents = new Map<string, string[]>();
for (const group of intentGroups) {
  const members = group.split(" ");
  for (const word of members) intents.set(word, members);
}

/**
 * A topic is a list of alternatives separated by `/`, `|`, `,` or `or`/`o`
 * ("refunds / reembolsos / devoluciones"); an alternative matches when every
 * word of it (3+ letters) stands in the message: the word itself, another
 * form of it (`wordMatchesTerm`: "alérgica" for "alergias"), or a word that
 * `related` gives for one of the message's words. The message's words are
 * gathered once per turn and each topic's alternatives, with each word's
 * forms, once per process (topics come from specs: a few hundred strings),
 * not once per topic or per message word.
 */
function messageWords(message: string, related: (word: string) => readonly string[]): string[] {
  const words = new Set<string>();
  for (const word of stems(message)) {
    words.add(word);
    for (const other of related(word)) words.add(other);
  }
  return [...words];
}

/** A word of a topic, with its other forms (`termVariants`) worked out once. */
interface TopicWord {
  word: string;
  variants: readonly string[];
}

const alternativesOf = new Map<string, TopicWord[][]>();
function topicAlternatives(topic: string): TopicWord[][] {
  let alternatives = alternativesOf.get(topic);
  if (alternatives === undefined) {
    alternatives = topic
      .split(/[/|,]|\s(?:or|o|and|y)\s/i)
      .map((alternative) => stems(alternative).map((word) => ({ word, variants: termVariants(word) })))
      .filter((alternative) => alternative.length > 0);
    if (alternativesOf.size >= 10_000) alternativesOf.clear();
    alternativesOf.set(topic, alternatives);
  }
  return alternatives;
}

function mentions(words: readonly string[], topic: string): boolean {
  const set = new Set(words);
  const stands = ({ word, variants }: TopicWord) =>
    set.has(word) || words.some((m) => wordMatchesTerm(m, word, variants));
  return topicAlternatives(topic).some((alternative) => alternative.every(stands));
}

/** The first handoff topic the message mentions (with `intentGroups`' words). */
export function handoffTopic(message: string, spec: AgentSpec): string | undefined {
  if (spec.handoff.topics.length === 0) return undefined;
  const words = messageWords(message, (word) => intents.get(word) ?? intents.get(`${word}s`) ?? []);
  return spec.handoff.topics.find((topic) => mentions(words, topic));
}

/**
 * Whether the message mentions one of the allowed topics (true when the agent
 * allows every topic), with the search lexicon's words: "Where are you
 * located?" mentions "location".
 */
export function withinAllowedTopics(message: string, spec: AgentSpec): boolean {
  if (spec.guardrails.allowedTopics.length === 0) return true;
  const words = messageWords(message, relatedWords);
  return spec.guardrails.allowedTopics.some((topic) => mentions(words, topic));
}
