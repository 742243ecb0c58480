import type { AgentSpec } from "../../spec/agent.js";
import type { RetrievedHit } from "../../spec/knowledge.js";
import type { Message } from "../../spec/store.js";
import type { Citation } from "../assemble-prompt.js";
import { phrases, pick } from "../localized.js";
import { answerableHits, retrievalAnswer } from "../retrieval-answer.js";
import { chunkLanguage } from "./chunk-language.js";
import type { RouteDecision } from "./route-turn.js";

/** A hit of the best one's document this close to its confidence is as good: the same answer in another language. */
const AS_GOOD = 0.1;

/**
 * Retrieval mode, and a model that said nothing: the best passage that may
 * answer (never one that gives the assistant orders) when it is confident
 * enough — or, when its document says about as much elsewhere in the
 * customer's language, that (a bilingual document answers an English
 * question in English) —
 * otherwise "not found", and after `handoff.afterFailures` such turns in a
 * row, a handoff to a person.
 */
export function answerFromDocuments(input: {
  spec: AgentSpec;
  hits: RetrievedHit[];
  language: string;
  history: Message[];
}): RouteDecision & { citations?: Citation[] } {
  const { spec, hits, language, history } = input;
  const answerable = answerableHits(hits);
  const first = answerable[0];
  const inLanguage = (hit: RetrievedHit) => chunkLanguage(hit.chunk, spec.languages, language) === language;
  const best =
    first && !inLanguage(first)
      ? (answerable.find(
          (hit) =>
            hit.source.id === first.source.id &&
            hit.confidence >= first.confidence - AS_GOOD &&
            inLanguage(hit),
        ) ?? first)
      : first;
  const score = best?.confidence ?? 0;
  const answer = best && score >= spec.handoff.minConfidence ? retrievalAnswer(best, language) : undefined;
  if (answer) {
    return {
      mode: "retrieval",
      text: answer.text,
      citations: answer.citations,
      meta: { confidence: score, retrievedChunkIds: hits.map((h) => h.chunk.id) },
    };
  }
  if (consecutiveFailures(history) + 1 >= spec.handoff.afterFailures) {
    return {
      mode: "handoff",
      text: pick(spec.handoff.message, language, phrases.handoff),
      status: "waiting_human",
      handOff: true,
      meta: { handoffReason: "repeated_failure", failed: true, confidence: score },
    };
  }
  return {
    mode: "retrieval",
    text: pick(undefined, language, phrases.notFound),
    meta: { failed: true, confidence: score },
  };
}

/** Unanswered turns in a row at the end of the history (assistant messages marked `failed`). */
function consecutiveFailures(history: Message[]): number {
  let count = 0;
  for (const message of [...history].reverse()) {
    if (message.role !== "assistant") continue;
    if (message.metadata.failed !== true) break;
    count++;
  }
  return count;
}
