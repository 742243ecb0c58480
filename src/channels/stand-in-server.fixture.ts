/**
 * The shared part of the providers' stand-ins for tests: a real HTTP server on
 * 127.0.0.1 that records every call and can be told to fail the next ones
 * (429 with the provider's retry hint, 5xx) before answering normally. Each
 * provider's stand-in supplies its own wire format (`handle`, `failure`).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInCall {
  method: string;
  /** The path and query, as received. */
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  /** When it arrived (ms since epoch). */
  at: number;
}

export interface StandInAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface InjectedFailure {
  status: 429 | 500 | 503;
  retryAfterSeconds?: number;
}

export interface StandInServer {
  baseUrl: string;
  /** Every call so far, oldest first (failed ones included). */
  calls: StandInCall[];
  /** The next `count` calls matching `path` (a substring) fail with `failure`. */
  failNext(count: number, failure: InjectedFailure, path?: string): void;
  close(): Promise<void>;
}

export async function startStandInServer(options: {
  handle(call: StandInCall): StandInAnswer;
  /** The provider's own answer for an injected failure. */
  failure(failure: InjectedFailure): StandInAnswer;
}): Promise<StandInServer> {
  const calls: StandInCall[] = [];
  const failures: { count: number; failure: InjectedFailure; path: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // kept as text: the handler refuses it in the provider's words
      }
      const call: StandInCall = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body,
        at: Date.now(),
      };
      calls.push(call);
      const pending = failures.find((f) => f.count > 0 && call.url.includes(f.path));
      let answer: StandInAnswer;
      if (pending) {
        pending.count--;
        answer = options.failure(pending.failure);
      } else {
        answer = options.handle(call);
      }
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    failNext(count, failure, path = "") {
      failures.push({ count, failure, path });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
