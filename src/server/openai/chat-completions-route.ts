import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { admitGeneration } from "../limits/admit-generation.js";
import { DEFAULT_COMPLETION_RESERVE, estimateTokens } from "../limits/reserve-estimate.js";
import { parseBody } from "../parse-body.js";
import { agentCompletions } from "./agent-completion.js";
import { isAgentModel, visitorModelRefused } from "./agent-model.js";
import { callerTenant } from "./caller-tenant.js";
import { type ChatCompletionRequest, chatCompletionRequestSchema } from "./chat-completion-request.js";
import { streamChatCompletion } from "./chat-stream.js";
import { mapCallOptions } from "./map-call-options.js";
import { type CompletionMeta, toChatCompletion } from "./map-chat-response.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { NO_USAGE, type OpenAIUsage, specUsage, toOpenAIUsage } from "./openai-usage.js";
import { recordUsage } from "./record-usage.js";
import { resolveLanguageModel } from "./resolve-model.js";
import { untilAborted } from "./until-aborted.js";

/**
 * `POST /v1/chat/completions`, for catalog models and (`agent:<name>`) for
 * agents. Everything that can be refused is refused before the first byte is
 * written (validation, unknown model, the tenant's budget, a full queue, a
 * provider that throws at once), so those errors get a real status. Once a
 * stream has started, a failure arrives as a final `data: {"error":…}` event
 * instead of `[DONE]`, which OpenAI's clients raise as an error.
 *
 * A generation holds one of its model's queue slots until it ends. A
 * non-streaming one has a deadline (504 `timeout` past it); a stream has none,
 * and ends with a last chunk and `[DONE]` when the server shuts down.
 */
export function registerChatCompletionsRoute(app: FastifyInstance, options: OpenAIRoutesOptions): void {
  const tenantOf = callerTenant(options.store);
  const agentCompletion = agentCompletions(options, tenantOf);
  // A visitor token reaches this route for its own agent only (see `agentCompletions`); catalog models need an admin key.
  app.post("/chat/completions", { config: { access: "visitor" } }, async (request, reply) => {
    const body = parseBody(chatCompletionRequestSchema, request.body);
    if (isAgentModel(body.model)) return agentCompletion(request, reply, body);
    if (request.auth?.visitor) throw visitorModelRefused(body.model);
    // Before any await: a client that leaves while the model is resolved aborts what follows.
    const controller = options.inflight.controllerFor(reply);
    const model = await resolveLanguageModel(options.models, body.model, {
      allowPaths: options.allowModelPaths,
    });
    const callOptions = mapCallOptions(body, controller.signal);
    const tenantId = await tenantOf(request);
    const stream = body.stream === true;
    const admission = await admitGeneration(options.limits, reply, {
      tenantId,
      queue: body.model,
      stream,
      controller,
      reserveTokens:
        estimatedUsage(body, 0).prompt_tokens +
        (body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_COMPLETION_RESERVE),
    });
    const meta: CompletionMeta = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    request.log.info({ model: body.model, stream, user: body.user ?? undefined }, "chat completion");
    options.metrics.modelUsed(body.model);

    if (!stream) {
      const generation = model.doGenerate(callOptions);
      // The slot is held until the engine has really stopped, not only until the answer is given up on.
      generation.then(admission.release, admission.release);
      try {
        const completion = toChatCompletion(await untilAborted(generation, admission.signal), meta);
        recordUsage(options, admission, body.model, completion.usage);
        return completion;
      } catch (error) {
        // Given up on (deadline, client gone): the prompt was read all the same.
        recordUsage(options, admission, body.model, estimatedUsage(body, 0));
        throw admission.failure(error);
      }
    }

    try {
      const { stream: parts } = await model.doStream(callOptions);
      const { usage, streamedChars } = await streamChatCompletion(
        { parts },
        {
          ...options,
          request,
          reply,
          meta,
          controller,
          includeUsage: body.stream_options?.include_usage === true,
        },
      );
      // A stream cut short (client gone, shutdown, error) has no usage: it is charged an estimate, not nothing.
      recordUsage(options, admission, body.model, usage ?? estimatedUsage(body, streamedChars));
    } finally {
      admission.release();
    }
  });
}

/**
 * What a generation that reported no usage is charged: about 4 characters a
 * token for the prompt's text and what was streamed. Without it, a client that
 * leaves before the last chunk would use the model for free.
 */
function estimatedUsage(body: ChatCompletionRequest, streamedChars: number): OpenAIUsage {
  let promptChars = 0;
  for (const message of body.messages) promptChars += JSON.stringify(message.content ?? "").length;
  return toOpenAIUsage(specUsage(estimateTokens(promptChars), estimateTokens(streamedChars))) ?? NO_USAGE;
}
