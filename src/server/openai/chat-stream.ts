import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { FastifyReply, FastifyRequest } from "fastify";
import { toOpenAIError } from "../openai-error.js";
import type { OpenStreams } from "../ops/open-streams.js";
import { openSseStream, type SseStream } from "../sse-stream.js";
import type { AlambiqueChoiceExtension } from "./alambique-extension.js";
import { createChatChunkMapper } from "./chat-chunk-mapper.js";
import type { CompletionMeta } from "./map-chat-response.js";
import { type OpenAIUsage, specUsage, toOpenAIUsage } from "./openai-usage.js";

/** What a streamed chat completion is made of: a model call's parts, or an agent turn's (see `agentTurnParts`). */
export interface ChatStreamSource {
  /** The provider spec's stream parts, normally ending with `finish`; an `error` part or a rejected read ends it too. */
  parts: ReadableStream<LanguageModelV3StreamPart>;
  /** What the chunk with the finish reason carries as `alambique` (agent turns); read when `finish` arrives. */
  extension?: () => AlambiqueChoiceExtension | undefined;
}

export interface ChatStreamOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  meta: CompletionMeta;
  /** `stream_options.include_usage`: a last chunk with no choices and the usage. */
  includeUsage: boolean;
  heartbeatMs: number;
  /** Where the stream registers, so that a server shutting down can end it. */
  streams: OpenStreams;
  /** The request's: aborted when the client leaves, and by a shutdown (after which the stream still ends cleanly). */
  controller: AbortController;
}

export interface ChatStreamOutcome {
  /** The usage of the `finish` part; undefined when the stream was cut short (client gone, shutdown, error). */
  usage: OpenAIUsage | undefined;
  /** Characters of text and reasoning sent: what an estimate of a cut-short stream's usage counts. */
  streamedChars: number;
}

/**
 * The one SSE lifecycle of `/v1` chat completions, for model calls and agent
 * turns alike. Takes over the reply and sends: the role chunk at once; a
 * `: ping` comment after `heartbeatMs` of silence; the chunks of the parts
 * (see `createChatChunkMapper`); then exactly one ending:
 * - the finish chunk (one is made up when the source ended without one), the
 *   usage chunk when asked, and `data: [DONE]`;
 * - a failure (an `error` part, a rejected read): `data: {"error":…}`, which
 *   OpenAI's clients raise as an error, and no `[DONE]`;
 * - a server shutting down: a last chunk with finish reason `length` and
 *   `alambique.interrupted`, then `[DONE]`;
 * - the client leaving: nothing more, and the source is cancelled at once,
 *   even while it is silent.
 * Never throws; resolves once the response has ended.
 */
export async function streamChatCompletion(
  source: ChatStreamSource,
  options: ChatStreamOptions,
): Promise<ChatStreamOutcome> {
  const { request, controller } = options;
  const signal = controller.signal;
  const sse = openSseStream(options.reply, { heartbeatMs: options.heartbeatMs });
  let interrupted = false;
  const unregister = options.streams.open(() => {
    interrupted = true;
    controller.abort(new DOMException("the server is shutting down", "AbortError"));
  });
  const mapper = createChatChunkMapper(options.meta, { includeUsage: options.includeUsage });
  const reader = source.parts.getReader();
  const onAbort = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  let drained = false;
  let finished = false;
  let usage: OpenAIUsage | undefined;
  let streamedChars = 0;
  const send = async (part: LanguageModelV3StreamPart) => {
    const chunks = mapper.push(part);
    const last = chunks.find((chunk) => chunk.choices[0]?.finish_reason != null);
    const extension = part.type === "finish" ? source.extension?.() : undefined;
    if (last && extension) last.choices[0]!.alambique = extension;
    for (const chunk of chunks) await sse.send(chunk);
  };
  const endEarly = async () => {
    if (!interrupted) {
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
        usage = toOpenAIUsage(part.usage);
        finished = true;
      }
      await send(part);
    }
    if (signal.aborted) await endEarly();
    else {
      // A source that ended without its finish part: clients still get a finish_reason.
      if (!finished) {
        const finishReason = { unified: "other" as const, raw: "no finish from the provider" };
        await send({ type: "finish", finishReason, usage: specUsage(undefined, undefined) });
      }
      await sse.send("[DONE]");
    }
  } catch (error) {
    if (signal.aborted) await endEarly();
    else await sendStreamError(sse, error, request);
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Stop a source still producing after an error event or a disconnect. Not awaited: a provider whose
    // cancel never settles must not hold the response (nor, with it, the generation's slot).
    if (!drained) void reader.cancel().catch(() => {});
    reader.releaseLock();
    unregister();
    sse.end();
  }
  return { usage, streamedChars };
}

/** Ends a started stream with an error event (`data: {"error":…}` instead of `[DONE]`). */
async function sendStreamError(sse: SseStream, error: unknown, request: FastifyRequest): Promise<void> {
  const mapped = toOpenAIError(error, request.id);
  if (mapped.internal) request.log.error({ err: error }, "chat completion stream failed");
  else request.log.info({ err: error }, "chat completion stream refused");
  await sse.send(mapped.body);
}
