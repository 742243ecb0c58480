import type { AgentSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { Conversation, ConversationStatus } from "../../spec/store.js";
import { handoffTopic, normalizeForMatch, requestsHuman, withinAllowedTopics } from "../handoff-rules.js";
import { phrases, pick } from "../localized.js";
import { smallTalk, smallTalkLanguage } from "../small-talk.js";
import type { TurnMode } from "./turn-types.js";

/** What a route decided: the turn answers this, without retrieval or a model. */
export interface RouteDecision {
  mode: TurnMode;
  text: string;
  /** The conversation's status to report (and, with `handOff`, to set). */
  status?: ConversationStatus;
  /** The conversation goes to the handoff queue (`waiting_human`). */
  handOff?: boolean;
  meta?: Record<string, JsonValue>;
}

/** What every route sees. */
export interface RouteInput {
  spec: AgentSpec;
  conversation: Conversation;
  message: string;
  language: string;
  tooLong: boolean;
  /** The message says yes to calls proposed last turn: neither small talk nor off topic. */
  confirming: boolean;
  /** The best retrieved passage's confidence; only known after retrieval. */
  confidence?: number;
}

/** One routing rule, with one shape: the turn in, a decision out, or undefined to go on. */
export type TurnRoute = (turn: RouteInput) => RouteDecision | undefined;

/** A person has the conversation: the agent stays silent. */
export const personHasIt: TurnRoute = ({ conversation }) =>
  conversation.status === "waiting_human" || conversation.status === "human"
    ? { mode: "human", text: "", status: conversation.status }
    : undefined;

export const tooLong: TurnRoute = ({ tooLong, language }) =>
  tooLong ? { mode: "too_long", text: pick(undefined, language, phrases.tooLong) } : undefined;

/** The customer asks for a person, or writes about a topic that always goes to one. */
export const asksForPerson: TurnRoute = ({ spec, message, language }) => {
  const asked = spec.handoff.onRequest && requestsHuman(message);
  const topic = handoffTopic(message, spec);
  if (!asked && !topic) return undefined;
  return {
    mode: "handoff",
    text: pick(spec.handoff.message, language, phrases.handoff),
    status: "waiting_human",
    handOff: true,
    meta: { handoffReason: requestsHuman(message) ? "customer_request" : `topic:${topic}` },
  };
};

/**
 * A greeting gets the spec's greeting, thanks and goodbyes a short reply, in
 * the language they were said in when the agent speaks it ("good morning"
 * carries no other word to tell its language by).
 */
export const smallTalkRoute: TurnRoute = ({ spec, message, language, confirming }) => {
  const chat = confirming ? undefined : smallTalk(message);
  if (!chat) return undefined;
  const said = smallTalkLanguage(message);
  const lang = said && spec.languages.includes(said) ? said : language;
  const text =
    chat === "greeting" ? pick(spec.greeting, lang, phrases.greeting) : pick(undefined, lang, phrases[chat]);
  return { mode: "small_talk", text };
};

/**
 * A question put to the business about what it offers ("¿hacéis pizzas?",
 * "do you sell kayaks?", "are you vegan friendly?", "can I get a fishing licence here?"): never off topic,
 * even when the documents do not mention it — the answer is "not in our
 * documents", with a person offered, not a refusal.
 */
const asksTheBusiness = new RegExp(
  [
    "\\b(hac|vend|ten|tien|ofrec|alquil|arregl|repar|acept|trabaj|atend|llev)(eis|ais|en|an|es|as)\\b",
    "\\bdo you (sell|have|make|do|offer|rent|repair|fix|take|accept|treat|carry|stock|deliver)\\b",
    "^\\W*(are you|is there|are there|is it possible)\\b",
    "\\bcan i (get|buy|rent|book|order|pay)\\b.*\\b(here|with you|from you)\\b",
  ].join("|"),
);

/** After retrieval: outside the allowed topics, nothing in the documents about it, and not asked of the business. */
export const offTopic: TurnRoute = ({ spec, message, language, confirming, confidence = 0 }) =>
  confirming ||
  withinAllowedTopics(message, spec) ||
  confidence >= spec.handoff.minConfidence ||
  asksTheBusiness.test(normalizeForMatch(message))
    ? undefined
    : { mode: "refusal", text: pick(spec.guardrails.refusal, language, phrases.refusal) };

/** The routes tried before retrieval, in order. */
export const routesBeforeRetrieval: readonly TurnRoute[] = [
  personHasIt,
  tooLong,
  asksForPerson,
  smallTalkRoute,
];

/** The first decision of `routes`, or undefined. */
export function route(routes: readonly TurnRoute[], turn: RouteInput): RouteDecision | undefined {
  for (const rule of routes) {
    const decision = rule(turn);
    if (decision) return decision;
  }
  return undefined;
}
