import type { FastifyReply, FastifyRequest } from "fastify";
import { toOpenAIError } from "../openai-error.js";
import type { OpenStreams } from "../ops/open-streams.js";
import { openSseStream, type SseStream } from "../sse-stream.js";

export interface ChatStream {
  sse: SseStream;
  /** Whether the server asked the stream to end (shutting down), as opposed to the client leaving. */
  interrupted(): boolean;
  /** Unregisters the stream and ends the response. Idempotent. */
  close(): void;
}

/**
 * Opens a chat completion's SSE stream and registers it with `streams`, so
 * that a server shutting down can end it: the request's `controller` is
 * aborted, and the caller, seeing `interrupted()`, sends its last chunk and
 * `[DONE]` rather than treating it as a client that left.
 */
export function openChatStream(
  reply: FastifyReply,
  options: { heartbeatMs: number; streams: OpenStreams; controller: AbortController },
): ChatStream {
  const sse = openSseStream(reply, { heartbeatMs: options.heartbeatMs });
  let interrupted = false;
  const unregister = options.streams.open(() => {
    interrupted = true;
    options.controller.abort(new DOMException("the server is shutting down", "AbortError"));
  });
  return {
    sse,
    interrupted: () => interrupted,
    close() {
      unregister();
      sse.end();
    },
  };
}

/**
 * Ends a started stream with an error event (`data: {"error":…}` instead of
 * `[DONE]`), which OpenAI's clients raise as an error.
 */
export async function sendStreamError(
  sse: SseStream,
  error: unknown,
  request: FastifyRequest,
): Promise<void> {
  const mapped = toOpenAIError(error, request.id);
  if (mapped.internal) request.log.error({ err: error }, "chat completion stream failed");
  else request.log.info({ err: error }, "chat completion stream refused");
  await sse.send(mapped.body);
}

/** Rejects with the signal's reason as soon as it aborts, whether or not `work` notices the signal. */
export function untilAborted<T>(work: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.then(undefined, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
