import type { FastifyReply } from "fastify";

export interface SseStream {
  /** Sends one `data:` event (JSON-encoded unless already a string). Resolves once the socket can take more. */
  send(data: unknown): Promise<void>;
  /** Ends the response. Safe to call twice, and after the client has gone. */
  end(): void;
  /** True once the client has disconnected or `end` was called. */
  readonly closed: boolean;
}

export interface OpenSseOptions {
  /**
   * A `: ping` comment is written after this many milliseconds without any
   * other write, so that proxies and clients with idle timeouts keep the
   * connection open while a model is slow to produce its next token.
   */
  heartbeatMs: number;
}

/**
 * Takes over the reply (Fastify's `hijack`: no serialisation, no error
 * handler from here on) and opens a Server-Sent Events stream. Headers set on
 * the reply beforehand (the request id) are kept. Writes after the client has
 * gone are dropped silently: the caller learns of the disconnect through its
 * abort signal, not through write errors.
 */
export function openSseStream(reply: FastifyReply, options: OpenSseOptions): SseStream {
  const res = reply.raw;
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  res.writeHead(200, {
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    // nginx would otherwise buffer the stream.
    "x-accel-buffering": "no",
  });
  res.flushHeaders();

  let ended = false;
  const isClosed = () => ended || res.destroyed || res.writableEnded;
  const heartbeat = setTimeout(function ping() {
    if (isClosed()) return;
    res.write(": ping\n\n");
    heartbeat.refresh();
  }, options.heartbeatMs);
  res.once("close", () => clearTimeout(heartbeat));

  const write = (text: string): Promise<void> => {
    if (isClosed()) return Promise.resolve();
    heartbeat.refresh();
    if (res.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });
  };

  return {
    send: (data) => write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`),
    end() {
      clearTimeout(heartbeat);
      if (isClosed()) return;
      ended = true;
      res.end();
    },
    get closed() {
      return isClosed();
    },
  };
}
