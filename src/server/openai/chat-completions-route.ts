import { randomBytes } from "node:crypto";
import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { toOpenAIError } from "../openai-error.js";
import { parseBody } from "../parse-body.js";
import { openSseStream, type SseStream } from "../sse-stream.js";
import { createChatChunkMapper } from "./chat-chunk-mapper.js";
import { chatCompletionRequestSchema } from "./chat-completion-request.js";
import { mapCallOptions } from "./map-call-options.js";
import { type CompletionMeta, toChatCompletion } from "./map-chat-response.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";
import { resolveLanguageModel } from "./resolve-model.js";

/**
 * `POST /v1/chat/completions`. Everything that can be refused is refused
 * before the first byte is written (validation, unknown model, a provider that
 * throws at once), so those errors get a real status. Once a stream has
 * started, a failure arrives as a final `data: {"error":…}` event instead of
 * `[DONE]`, which OpenAI's clients raise as an error.
 */
export function registerChatCompletionsRoute(app: FastifyInstance, options: OpenAIRoutesOptions): void {
  app.post("/chat/completions", async (request, reply) => {
    const body = parseBody(chatCompletionRequestSchema, request.body);
    const model = await resolveLanguageModel(options.models, body.model, {
      allowPaths: options.allowModelPaths,
    });
    const signal = options.inflight.signalFor(reply);
    const callOptions = mapCallOptions(body, signal);
    const meta: CompletionMeta = {
      id: `chatcmpl-${randomBytes(12).toString("hex")}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    request.log.info(
      { model: body.model, stream: body.stream === true, user: body.user ?? undefined },
      "chat completion",
    );
    if (!body.stream) return toChatCompletion(await model.doGenerate(callOptions), meta);

    const { stream } = await model.doStream(callOptions);
    await pipeChatStream(stream, request, reply, meta, {
      includeUsage: body.stream_options?.include_usage === true,
      heartbeatMs: options.heartbeatMs,
      signal,
    });
  });
}

async function pipeChatStream(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  request: FastifyRequest,
  reply: FastifyReply,
  meta: CompletionMeta,
  options: { includeUsage: boolean; heartbeatMs: number; signal: AbortSignal },
): Promise<void> {
  const sse = openSseStream(reply, { heartbeatMs: options.heartbeatMs });
  const mapper = createChatChunkMapper(meta, { includeUsage: options.includeUsage });
  const reader = stream.getReader();
  // A disconnect must stop the read loop at once, even while the provider is silent.
  const onAbort = () => void reader.cancel(options.signal.reason).catch(() => {});
  options.signal.addEventListener("abort", onAbort, { once: true });
  let drained = false;
  try {
    await sse.send(mapper.start());
    for (;;) {
      const { done, value: part } = await reader.read();
      drained = done;
      if (done || options.signal.aborted) break;
      if (part.type === "error") {
        await sendError(sse, part.error, request);
        return;
      }
      for (const chunk of mapper.push(part)) await sse.send(chunk);
    }
    if (options.signal.aborted) {
      request.log.info("client disconnected; generation aborted");
      return;
    }
    await sse.send("[DONE]");
  } catch (error) {
    if (options.signal.aborted) request.log.info("client disconnected; generation aborted");
    else await sendError(sse, error, request);
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    // Stop a provider that is still producing after an error event or a disconnect.
    if (!drained) await reader.cancel().catch(() => {});
    reader.releaseLock();
    sse.end();
  }
}

async function sendError(sse: SseStream, error: unknown, request: FastifyRequest): Promise<void> {
  const mapped = toOpenAIError(error);
  if (mapped.internal) request.log.error({ err: error }, "chat completion stream failed");
  else request.log.info({ err: error }, "chat completion stream refused");
  await sse.send(mapped.body);
}
