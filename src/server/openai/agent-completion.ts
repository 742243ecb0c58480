import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { TurnResult } from "../../agents/index.js";
import { redactPii } from "../../safety/redact-pii.js";
import { invalidVisitorToken } from "../auth/auth-errors.js";
import { externalUserIdFor } from "../auth/request-auth.js";
import { admitGeneration } from "../limits/admit-generation.js";
import { AGENT_TURN_RESERVE, estimateTokens } from "../limits/reserve-estimate.js";
import { requestOrigin, visitorMayUse } from "../visitor/visitor-may-use.js";
import { agentNotFound, findAgentModel, visitorModelRefused } from "./agent-model.js";
import { customerMessage, namedCustomer, refuseModelOptions } from "./agent-request.js";
import { agentTurnParts } from "./agent-turn-parts.js";
import { agentExtension } from "./alambique-extension.js";
import type { ChatCompletionRequest } from "./chat-completion-request.js";
import { streamChatCompletion } from "./chat-stream.js";
import type { ChatCompletion, CompletionMeta } from "./map-chat-response.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { NO_USAGE, specUsage, toOpenAIUsage } from "./openai-usage.js";
import { recordUsage } from "./record-usage.js";
import {
  openStatelessConversation,
  type StatelessConversation,
  statelessHistory,
} from "./stateless-conversation.js";
import { untilAborted } from "./until-aborted.js";

type AgentCompletion = (
  request: FastifyRequest,
  reply: FastifyReply,
  body: ChatCompletionRequest,
) => Promise<ChatCompletion | undefined>;

/**
 * Chat completions for agents: the whole turn of `AgentRuntime` (retrieval,
 * tools, guardrails, handoff) for the caller's tenant, as an OpenAI chat
 * completion, streamed or not.
 *
 * - With a visitor token, the customer is the token's visitor, and the model
 *   must be the token's agent (403 `model_not_allowed` otherwise); the
 *   conversation is the visitor's, kept in the store.
 * - With an admin key (or no auth) and a `user` (or the `x-alambique-user`
 *   header), the conversation is that customer's, kept in the store under
 *   `key:<keyId>:<user>` (see `externalUserIdFor`): only the last `user`
 *   message is read, the history is the store's.
 * - With neither, the turn is stateless, as OpenAI's API is: the
 *   conversation is the `messages` sent (see `openStatelessConversation`),
 *   and the choice's `alambique.stateless` says so.
 * - The agent brings its own model, tools and sampling: `tools` and a JSON
 *   `response_format` are refused (400), sampling fields are ignored.
 * - The choice carries `alambique`: conversation id, status, mode, language,
 *   citations (see `AlambiqueChoiceExtension`); `usage` is the turn's.
 * - An agent with a model waits in that model's generation queue; one in
 *   retrieval mode does not (it runs no model). A stream goes through the
 *   same lifecycle as a model call's (`streamChatCompletion`).
 *
 * Throws `RequestError` 404 `model_not_found` for an agent the tenant does not
 * have (or when the server serves no agents).
 */
export function agentCompletions(
  options: OpenAIRoutesOptions,
  tenantOf: (request: FastifyRequest) => Promise<string>,
): AgentCompletion {
  return async (request, reply, body) => {
    const { agents, store } = options;
    if (agents === undefined || store === undefined) {
      throw agentNotFound(body.model, "this server serves no agents");
    }
    const visitor = request.auth?.visitor ?? null;
    // A visitor is whom its token names: any `user` it sends is ignored.
    const user = visitor ? null : namedCustomer(request, body);
    refuseModelOptions(body);
    const message = customerMessage(body);
    const controller = options.inflight.controllerFor(reply); // before any await (see controllerFor)
    const tenantId = await tenantOf(request);
    const agent = await findAgentModel(agents, tenantId, body.model);
    if (visitor && visitor.agentId !== agent.id) throw visitorModelRefused(body.model);
    // The agent's widget settings now, not when the session opened: turned off or narrowed, they apply at once.
    if (visitor && !visitorMayUse(agent.spec, requestOrigin(request.headers))) throw invalidVisitorToken();

    const history =
      visitor || user !== null ? undefined : statelessHistory(agent, body.messages, message.index);
    const historyChars = history?.reduce((chars, m) => chars + m.content.length, 0) ?? 0;

    const stream = body.stream === true;
    const admission = await admitGeneration(options.limits, reply, {
      tenantId,
      queue: agent.spec.model ?? undefined,
      stream,
      controller,
      // An agent in retrieval mode runs no model: it reserves nothing.
      reserveTokens: agent.spec.model
        ? estimateTokens(message.text.length + historyChars) + AGENT_TURN_RESERVE
        : 0,
    });
    const meta: CompletionMeta = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    let stateless: StatelessConversation | undefined;
    /** Closes the stateless conversation once, when there is one; a failure is logged, never the request's. */
    let closing: Promise<void> | undefined;
    const closeStateless = () =>
      (closing ??= stateless?.close().catch((error: unknown) => {
        request.log.warn({ err: error }, "could not close a stateless conversation");
      }));
    try {
      if (history) {
        const keyPrefix = request.auth ? externalUserIdFor(request.auth, "") : "";
        stateless = await openStatelessConversation({ store, agent, keyPrefix, history });
      }
      const externalUserId =
        stateless?.externalUserId ?? (request.auth ? externalUserIdFor(request.auth, user) : (user ?? ""));
      // The customer id is often a phone number or an e-mail address: logged masked.
      const logged = stateless ? "(stateless)" : redactPii(externalUserId).text;
      request.log.info({ agent: agent.name, stream, user: logged }, "agent turn");
      if (agent.spec.model) options.metrics.modelUsed(agent.spec.model);
      const extra = { stateless: stateless !== undefined };
      const turn = (onDelta?: (text: string) => void): Promise<TurnResult> =>
        agents.turn({
          tenantId,
          // The agent as read above, not read again: one read a request, and the whole request (the
          // visitor's checks, the queue, the turn) runs on one version of it even if it is edited meanwhile.
          agent,
          externalUserId,
          message: message.text,
          signal: admission.signal,
          ...(onDelta ? { onDelta } : {}),
        });
      const counted = (result: TurnResult) => {
        recordUsage(options, admission, body.model, toOpenAIUsage(turnUsage(result)));
        return result;
      };

      if (!stream) {
        try {
          return toAgentCompletion(counted(await untilAborted(turn(), admission.signal)), meta, extra);
        } catch (error) {
          throw admission.failure(error);
        }
      }
      // A stateless conversation is closed before the finish chunk goes out (as before a whole answer is
      // sent), so a client that has read the whole stream never finds it open.
      const source = agentTurnParts(
        (onDelta) =>
          turn(onDelta)
            .then(counted)
            .then(async (result) => {
              await closeStateless();
              return result;
            }),
        extra,
      );
      await streamChatCompletion(source, {
        ...options,
        request,
        reply,
        meta,
        controller,
        includeUsage: body.stream_options?.include_usage === true,
      });
      return undefined;
    } finally {
      admission.release();
      await closeStateless();
    }
  };
}

function turnUsage(turn: TurnResult) {
  return specUsage(turn.usage.inputTokens, turn.usage.outputTokens);
}

function toAgentCompletion(
  turn: TurnResult,
  meta: CompletionMeta,
  extra: { stateless: boolean },
): ChatCompletion {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: turn.text, refusal: null },
        finish_reason: "stop",
        logprobs: null,
        alambique: agentExtension(turn, extra),
      },
    ],
    usage: toOpenAIUsage(turnUsage(turn)) ?? NO_USAGE,
  };
}
