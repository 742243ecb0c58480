import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalHttpServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** How many requests arrived so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * Test fixture: a real HTTP server on a loopback port, answering with
 * `handler` (which gets the 0-based number of the request). Stands in for a
 * misbehaving engine: one that fails, hangs, or answers with the wrong thing.
 */
export async function startLocalHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse, index: number, body: string) => void,
): Promise<LocalHttpServer> {
  let requests = 0;
  const server = createServer((req, res) => {
    const index = requests++;
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => handler(req, res, index, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL on which nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
