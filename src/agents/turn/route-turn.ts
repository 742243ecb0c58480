import type { AgentSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { Conversation, ConversationStatus } from "../../spec/store.js";
import { handoffTopic, requestsHuman, withinAllowedTopics } from "../handoff-rules.js";
import { phrases, pick } from "../localized.js";
import { smallTalk } from "../small-talk.js";
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

export const smallTalkRoute: TurnRoute = ({ spec, message, language, confirming }) => {
  const chat = confirming ? undefined : smallTalk(message);
  if (!chat) return undefined;
  const text =
    chat === "greeting"
      ? pick(spec.greeting, language, phrases.greeting)
      : pick(undefined, language, phrases[chat]);
  return { mode: "small_talk", text };
};

/** After retrieval: outside the allowed topics and nothing in the documents about it. */
export const offTopic: TurnRoute = ({ spec, message, language, confirming, confidence = 0 }) =>
  confirming || withinAllowedTopics(message, spec) || confidence >= spec.handoff.minConfidence
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
