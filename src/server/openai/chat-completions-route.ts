import { randomUUID } from "node:crypto";
import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { admitGeneration } from "../limits/admit-generation.js";
import { DEFAULT_COMPLETION_RESERVE, estimateTokens } from "../limits/reserve-estimate.js";
import type { OpenStreams } from "../ops/open-streams.js";
import { parseBody } from "../parse-body.js";
import { agentCompletions, isAgentModel, visitorModelRefused } from "./agent-completion.js";
import { callerTenant } from "./caller-tenant.js";
import { createChatChunkMapper } from "./chat-chunk-mapper.js";
import { type ChatCompletionRequest, chatCompletionRequestSchema } from "./chat-completion-request.js";
import { openChatStream, sendStreamError, untilAborted } from "./chat-stream.js";
import { mapCallOptions } from "./map-call-options.js";
import { type CompletionMeta, mapUsage, type OpenAIUsage, toChatCompletion } from "./map-chat-response.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { recordUsage } from "./record-usage.js";
import { resolveLanguageModel } from "./resolve-model.js";

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
      const { usage, streamedChars } = await pipeChatStream(parts, request, reply, meta, {
        includeUsage: body.stream_options?.include_usage === true,
        heartbeatMs: options.heartbeatMs,
        streams: options.streams,
        controller,
      });
      // A stream cut short (client gone, shutdown, error) has no usage: it is charged an estimate, not nothing.
      recordUsage(options, admission, body.model, usage ?? estimatedUsage(body, streamedChars));
    } finally {
      admission.release();
    }
  });
}

/** Streams the parts as chunks until the end, an error, the client leaving, or a shutdown. Returns the usage. */
async function pipeChatStream(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  request: FastifyRequest,
  reply: FastifyReply,
  meta: CompletionMeta,
  options: {
    includeUsage: boolean;
    heartbeatMs: number;
    streams: OpenStreams;
    /** The request's: aborted when the client leaves, or by a shutdown (see `openChatStream`). */
    controller: AbortController;
  },
): Promise<{ usage: OpenAIUsage | undefined; streamedChars: number }> {
  const { sse, interrupted, close } = openChatStream(reply, options);
  const signal = options.controller.signal;
  const mapper = createChatChunkMapper(meta, { includeUsage: options.includeUsage });
  const reader = stream.getReader();
  // A disconnect or a shutdown must stop the read loop at once, even while the provider is silent.
  const onAbort = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  let drained = false;
  let finished = false;
  let usage: OpenAIUsage | undefined;
  let streamedChars = 0;
  const endEarly = async () => {
    if (!interrupted()) {
      request.log.info("client disconnected; generation aborted");
      return;
    }
    request.log.info("server shutting down; stream ended early");
    if (!finished) await sse.send(mapper.interrupt());
    await sse.send("[DONE]");
  };
  try {
    await sse.send(mapper.start());
    for (;;) {
      const { done, value: part } = await reader.read();
      drained = done;
      if (done || signal.aborted) break;
      if (part.type === "error") {
        await sendStreamError(sse, part.error, request);
        return { usage, streamedChars };
      }
      if (part.type === "text-delta" || part.type === "reasoning-delta") streamedChars += part.delta.length;
      if (part.type === "finish") {
        usage = mapUsage(part.usage);
        finished = true;
      }
      for (const chunk of mapper.push(part)) await sse.send(chunk);
    }
    if (signal.aborted) await endEarly();
    else {
      // A provider stream that ended without its finish part: clients still get a finish_reason.
      if (!finished) {
        const unknownUsage = {
          total: undefined,
          noCache: undefined,
          cacheRead: undefined,
          cacheWrite: undefined,
        };
        for (const chunk of mapper.push({
          type: "finish",
          finishReason: { unified: "other", raw: "no finish from the provider" },
          usage: {
            inputTokens: unknownUsage,
            outputTokens: { total: undefined, text: undefined, reasoning: undefined },
          },
        }))
          await sse.send(chunk);
      }
      await sse.send("[DONE]");
    }
  } catch (error) {
    if (signal.aborted) await endEarly();
    else await sendStreamError(sse, error, request);
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Stop a provider that is still producing after an error event or a disconnect.
    // Not awaited: a provider whose cancel never settles must not hold the response (nor, with it, the slot).
    if (!drained) void reader.cancel().catch(() => {});
    reader.releaseLock();
    close();
  }
  return { usage, streamedChars };
}

/**
 * What a generation that reported no usage is charged: about 4 characters a
 * token for the prompt's text and what was streamed. Without it, a client that
 * leaves before the last chunk would use the model for free.
 */
function estimatedUsage(body: ChatCompletionRequest, streamedChars: number): OpenAIUsage {
  let promptChars = 0;
  for (const message of body.messages) promptChars += JSON.stringify(message.content ?? "").length;
  const prompt = estimateTokens(promptChars);
  const completion = estimateTokens(streamedChars);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
