import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { LoadedAgent, TurnResult } from "../../agents/index.js";
import { redactPii } from "../../safety/redact-pii.js";
import { NotFoundError } from "../../spec/errors.js";
import { invalidVisitorToken } from "../auth/auth-errors.js";
import { externalUserIdFor } from "../auth/request-auth.js";
import { admitGeneration } from "../limits/admit-generation.js";
import { AGENT_TURN_RESERVE, estimateTokens } from "../limits/reserve-estimate.js";
import { RequestError } from "../request-error.js";
import { requestOrigin, visitorMayUse } from "../visitor/visitor-may-use.js";
import { agentExtension } from "./alambique-extension.js";
import { createChatChunkMapper } from "./chat-chunk-mapper.js";
import type { ChatCompletionRequest } from "./chat-completion-request.js";
import { openChatStream, sendStreamError, untilAborted } from "./chat-stream.js";
import type { ChatCompletion, CompletionMeta, OpenAIUsage } from "./map-chat-response.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { recordUsage } from "./record-usage.js";

/** `model: "agent:<name>"` asks for an agent's turn instead of a bare model. */
export const AGENT_MODEL_PREFIX = "agent:";

/** The header that names the customer when the body has no `user`. */
export const USER_HEADER = "x-alambique-user";

export function isAgentModel(model: string): boolean {
  return model.startsWith(AGENT_MODEL_PREFIX);
}

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
 *   must be the token's agent (403 `model_not_allowed` otherwise). With an
 *   admin key, the customer is `user` (or the `x-alambique-user` header):
 *   required, it keys the conversation, stored under `key:<keyId>:<user>`
 *   (see `externalUserIdFor`).
 * - Only the last `user` message is read: it is the customer's new message;
 *   the history lives in the store, not in the request.
 * - The agent brings its own model, tools and sampling: `tools` and a JSON
 *   `response_format` are refused (400), sampling fields are ignored.
 * - The choice carries `alambique`: conversation id, status, mode, language,
 *   citations (see `AlambiqueChoiceExtension`); `usage` is the turn's.
 * - An agent with a model waits in that model's generation queue; one in
 *   retrieval mode does not (it runs no model).
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
    const user = visitor ? null : customerId(request, body);
    refuseModelOptions(body);
    const message = customerMessage(body);
    const controller = options.inflight.controllerFor(reply); // before any await (see controllerFor)
    const tenantId = await tenantOf(request);
    const agent = await findAgent(options, tenantId, body.model);
    if (visitor && visitor.agentId !== agent.id) throw visitorModelRefused(body.model);
    // The agent's widget settings now, not when the session opened: turned off or narrowed, they apply at once.
    if (visitor && !visitorMayUse(agent.spec, requestOrigin(request.headers))) throw invalidVisitorToken();
    const externalUserId = request.auth ? externalUserIdFor(request.auth, user) : (user ?? "");

    const stream = body.stream === true;
    const admission = await admitGeneration(options.limits, reply, {
      tenantId,
      queue: agent.spec.model ?? undefined,
      stream,
      controller,
      // An agent in retrieval mode runs no model: it reserves nothing.
      reserveTokens: agent.spec.model ? estimateTokens(message.length) + AGENT_TURN_RESERVE : 0,
    });
    const meta: CompletionMeta = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    // The customer id is often a phone number or an e-mail address: logged masked.
    request.log.info({ agent: agent.name, stream, user: redactPii(externalUserId).text }, "agent turn");
    if (agent.spec.model) options.metrics.modelUsed(agent.spec.model);
    const turnInput = { tenantId, agent: agent.id, externalUserId, message };
    const counted = (turn: TurnResult) => {
      recordUsage(options, admission, body.model, usageOf(turn));
      return turn;
    };

    if (!stream) {
      try {
        const turn = counted(
          await untilAborted(agents.turn({ ...turnInput, signal: admission.signal }), admission.signal),
        );
        return toAgentCompletion(turn, meta);
      } catch (error) {
        throw admission.failure(error);
      } finally {
        admission.release();
      }
    }

    const { sse, interrupted, close } = openChatStream(reply, { ...options, controller });
    const mapper = createChatChunkMapper(meta, { includeUsage: body.stream_options?.include_usage === true });
    try {
      await sse.send(mapper.start());
      const turn = counted(
        await agents.turn({
          ...turnInput,
          signal: admission.signal,
          // Writes keep their order; the reply is short enough not to need backpressure.
          onDelta: (delta) => {
            for (const chunk of mapper.push({ type: "text-delta", id: "t", delta })) void sse.send(chunk);
          },
        }),
      );
      const [last, ...rest] = mapper.push({
        type: "finish",
        finishReason: { unified: "stop", raw: undefined },
        usage: {
          inputTokens: {
            total: turn.usage.inputTokens,
            noCache: undefined,
            cacheRead: undefined,
            cacheWrite: undefined,
          },
          outputTokens: { total: turn.usage.outputTokens, text: undefined, reasoning: undefined },
        },
      });
      if (last?.choices[0]) last.choices[0].alambique = agentExtension(turn);
      for (const chunk of last ? [last, ...rest] : rest) await sse.send(chunk);
      await sse.send("[DONE]");
    } catch (error) {
      if (interrupted()) {
        request.log.info("server shutting down; stream ended early");
        await sse.send(mapper.interrupt());
        await sse.send("[DONE]");
      } else if (controller.signal.aborted) request.log.info("client disconnected; agent turn aborted");
      else await sendStreamError(sse, error, request);
    } finally {
      admission.release();
      close();
    }
    return undefined;
  };
}

function toAgentCompletion(turn: TurnResult, meta: CompletionMeta): ChatCompletion {
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
        alambique: agentExtension(turn),
      },
    ],
    usage: usageOf(turn),
  };
}

function usageOf(turn: TurnResult): OpenAIUsage {
  const { inputTokens, outputTokens } = turn.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

/** `user`, else the header; a 400 naming `user` when neither says who the customer is. */
function customerId(request: FastifyRequest, body: ChatCompletionRequest): string {
  if (body.user) return body.user;
  const header = request.headers[USER_HEADER];
  if (typeof header === "string" && header.trim() !== "" && header.length <= 256) return header.trim();
  throw new RequestError(
    "an agent needs to know which customer it is talking to: send `user` (or the x-alambique-user header)",
    {
      code: "invalid_request",
      param: "user",
      hint: "any stable id of your customer, up to 256 characters: the conversation is kept under it",
    },
  );
}

function refuseModelOptions(body: ChatCompletionRequest): void {
  if (body.tools && body.tools.length > 0) {
    throw new RequestError("an agent uses the tools of its own spec: send no `tools`", {
      code: "invalid_request",
      param: "tools",
    });
  }
  if (body.response_format && body.response_format.type !== "text") {
    throw new RequestError("an agent answers in text: `response_format` must be `text` or absent", {
      code: "invalid_request",
      param: "response_format",
    });
  }
}

/** The text of the last `user` message: the customer's new message. */
function customerMessage(body: ChatCompletionRequest): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const message = body.messages[i];
    if (message?.role !== "user") continue;
    const text =
      typeof message.content === "string"
        ? message.content
        : message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    if (text.trim() === "") {
      throw new RequestError("the customer's message has no text", {
        code: "invalid_request",
        param: `messages[${i}].content`,
      });
    }
    return text;
  }
  throw new RequestError("an agent needs the customer's message: send at least one `user` message", {
    code: "invalid_request",
    param: "messages",
  });
}

async function findAgent(
  options: OpenAIRoutesOptions,
  tenantId: string,
  model: string,
): Promise<LoadedAgent> {
  const name = model.slice(AGENT_MODEL_PREFIX.length);
  try {
    return await options.agents!.agent(tenantId, name);
  } catch (error) {
    if (error instanceof NotFoundError) throw agentNotFound(model, undefined, error);
    throw error;
  }
}

/** 403 `model_not_allowed`: a visitor token names one agent, and may use nothing else. */
export function visitorModelRefused(model: string): RequestError {
  return new RequestError(`This visitor session may not use \`${model}\`: it talks to its own agent only`, {
    code: "model_not_allowed",
    status: 403,
    param: "model",
    hint: "send the `agent:<name>` the session was opened for; catalog models need an admin key",
  });
}

function agentNotFound(model: string, why?: string, cause?: unknown): RequestError {
  return new RequestError(`The model \`${model}\` does not exist${why ? `: ${why}` : ""}`, {
    code: "model_not_found",
    status: 404,
    param: "model",
    hint: "GET /v1/models lists the models and agents (`agent:<name>`) you can use",
    cause,
  });
}
