import type { JsonValue } from "../../spec/json.js";
import { isAffirmative } from "../tools/affirmative-reply.js";
import { pendingConfirmationsKey, pendingFromHistory } from "../tools/confirmation.js";
import { turnFailure } from "../turn-failure.js";
import { answerFromDocuments } from "./answer-from-documents.js";
import { answerWithMessage } from "./answer-with-message.js";
import { citeAnswer } from "./cite-answer.js";
import { followUpQuery } from "./follow-up-query.js";
import { generateAnswer } from "./generate-answer.js";
import { generateStudentFirst } from "./generate-student-first.js";
import { guardInput } from "./guard-input.js";
import { type ConversationLog, openConversation, scratchConversation } from "./open-conversation.js";
import { prepareModelCall } from "./prepare-model-call.js";
import { type Answer, recordAnswer } from "./record-answer.js";
import { retrieve } from "./retrieve.js";
import { offTopic, type RouteDecision, route, routesBeforeRetrieval } from "./route-turn.js";
import { queueShadow } from "./shadow-turn.js";
import type { TurnDeps, TurnInput, TurnResult } from "./turn-types.js";

/**
 * One customer turn, as named steps: open the conversation → store the
 * guarded message (truncated, PII masked, language, flags) → route (a person
 * has it, too long, asks for a person, small talk) → retrieve → off topic? →
 * documents (retrieval mode) or prepare the model call (prompt, tools, the
 * calls a yes confirmed) → generate (the model, or the student with the
 * teacher on doubt) → cite → record. What differs between
 * callers comes in `deps` (store, retriever, model, tools, clock, the
 * confirmation judge), not in copies of this function.
 *
 * Never throws for what a customer typed; model and tool failures inside the
 * loop go back to the model as results (see tools/). A turn that fails
 * otherwise (the engine is unreachable, the store is down) throws a
 * `CustomerFacingError`: a polite message in the conversation's language.
 */
export async function runAgentTurn(deps: TurnDeps, input: TurnInput): Promise<TurnResult> {
  const state = { language: input.agent.spec.languages[0] ?? "en" };
  try {
    return await answerTurn(deps, input, state);
  } catch (error) {
    throw turnFailure(error, state.language, input.signal);
  }
}

async function answerTurn(
  deps: TurnDeps,
  input: TurnInput,
  state: { language: string },
): Promise<TurnResult> {
  const startedAt = performance.now();
  const opened = input.conversation
    ? scratchConversation(input.agent, input.externalUserId, input.conversation.history)
    : await openConversation(deps.store, input.agent, input.externalUserId);
  // No model (retrieval mode): the customer's message is stored with the answer, one commit (answer-with-message.ts).
  const held = !deps.model && opened.stored ? answerWithMessage(deps.store, opened) : undefined;
  let result: TurnResult;
  try {
    result = await answerOn(deps, input, state, held ?? opened, startedAt);
  } catch (error) {
    await held?.flush().catch(() => undefined); // the turn's own error is the one to report
    throw error;
  }
  await held?.flush();
  return result;
}

async function answerOn(
  deps: TurnDeps,
  input: TurnInput,
  state: { language: string },
  log: ConversationLog,
  startedAt: number,
): Promise<TurnResult> {
  const { agent, signal, onDelta } = input;
  const spec = agent.spec;
  const { conversation, history } = log;
  const guarded = guardInput({ text: input.message, spec, history });
  const { message, language } = guarded;
  state.language = language;
  await log.append({ role: "user", content: message, metadata: guarded.meta });

  const record = async (answer: Answer & Pick<RouteDecision, "handOff">) => {
    if (answer.handOff) await log.setStatus("waiting_human");
    return recordAnswer({ log, agent, language, startedAt, answer, onDelta });
  };
  const pending = pendingFromHistory(history);
  const accepted = pending.length > 0 && (deps.accept ?? isAffirmative)(message);
  const confirming = deps.model !== undefined && accepted;
  const turn = { spec, conversation, message, language, tooLong: guarded.tooLong, confirming };
  const early = route(routesBeforeRetrieval, turn);
  if (early) return record(early);

  const { hits, confidence } = await retrieve(deps.retriever, agent, followUpQuery(message, history));
  const refusal = offTopic({ ...turn, confidence });
  if (refusal) return record(refusal);
  const fromDocuments = () => record(answerFromDocuments({ spec, hits, language, history }));
  if (!deps.model) return fromDocuments();

  const call = await prepareModelCall({
    spec,
    language,
    hits,
    history,
    message,
    contextTokens: deps.contextTokens,
    now: deps.now(),
    pending,
    confirmed: accepted,
    tools: (numbering) => deps.tools(log.stored ? conversation : null, numbering, pending),
    signal,
  });
  const routed =
    deps.teacher && spec.routing
      ? await generateStudentFirst({
          student: deps.model,
          teacher: deps.teacher,
          routing: spec.routing,
          call,
          maxSteps: spec.maxSteps,
          retrievalConfidence: confidence,
          message,
          history,
          conversationId: conversation.id,
          studentHealth: deps.studentHealth,
          onDelta,
          signal,
        })
      : undefined;
  // The teacher's silent answer, on a sample of the turns the student answered, once this one is recorded.
  let recorded: (messageId: string | null) => void = () => {};
  const shadow = spec.routing?.shadow;
  if (routed?.routing.answeredBy === "student" && shadow && deps.shadows && deps.teacher && log.stored) {
    const queued = queueShadow({
      queue: deps.shadows,
      shadow,
      sampleKey: `${conversation.id}:${history.length}`,
      recorded: new Promise<string | null>((resolve) => {
        recorded = resolve;
      }),
      store: deps.store,
      teacher: deps.teacher,
      call,
      maxSteps: spec.maxSteps,
      student: routed.generated,
      conversationId: conversation.id,
    });
    if (queued) routed.routing.shadow = queued;
  }
  const generated =
    routed?.generated ??
    (await generateAnswer({
      model: deps.model,
      call,
      maxSteps: spec.maxSteps,
      onDelta,
      signal,
      providerOptions: deps.measureConfidence ? { llamacpp: { tokenConfidence: true } } : undefined,
    }));
  try {
    const result = await recordGenerated();
    // Shadowed is the student's answer as stored: not the documents' answer that replaces an empty one.
    recorded(result.mode === "retrieval" ? null : result.messageId);
    return result;
  } finally {
    recorded(null);
  }

  async function recordGenerated(): Promise<TurnResult> {
    const cited = citeAnswer({ call, generated, language, now: deps.now() });
    const status = await log.status();
    if (!generated.text.trim() && status === "bot" && cited.awaiting.length === 0) return fromDocuments();
    if (cited.appended) onDelta?.(cited.appended);
    const result = await record({
      mode: status === "waiting_human" ? "handoff" : "model",
      text: cited.text,
      shown: true,
      status,
      citations: cited.citations,
      toolCalls: cited.toolCalls,
      usage: generated.usage,
      meta: {
        retrievedChunkIds: hits.map((h) => h.chunk.id),
        summarisedTurns: call.summarisedTurns,
        ...(routed ? { routing: routed.routing as unknown as JsonValue } : {}),
        ...(cited.awaiting.length > 0
          ? { [pendingConfirmationsKey]: cited.awaiting as unknown as JsonValue }
          : {}),
      },
    });
    if (generated.tokenConfidence !== undefined) result.tokenConfidence = generated.tokenConfidence;
    return result;
  }
}
