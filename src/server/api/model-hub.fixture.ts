import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ModelHub {
  /** Give as `HF_ENDPOINT`: `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request's method and path, in order. */
  requests: string[];
  /** From now on, GETs send half the file, then nothing more (a download cut half-way). */
  stallHalfway(stall: boolean): void;
  close(): Promise<void>;
}

/**
 * Test fixture: a stand-in for Hugging Face on 127.0.0.1, serving `files`
 * (`OWNER/REPO/FILE.gguf` → a local file) at `/OWNER/REPO/resolve/main/FILE.gguf`
 * as the hub does (HEAD, GET, byte ranges), in 64 KiB pieces `pieceDelayMs`
 * apart so that a download shows progress. Anything else is a 404.
 */
export async function startModelHub(files: Record<string, string>, pieceDelayMs = 15): Promise<ModelHub> {
  const bytes = new Map(
    Object.entries(files).map(([ref, path]) => {
      const [owner, repo, ...file] = ref.split("/");
      return [`/${owner}/${repo}/resolve/main/${file.join("/")}`, readFileSync(path)];
    }),
  );
  const requests: string[] = [];
  let stall = false;
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push(`${req.method} ${path}`);
    const body = bytes.get(path);
    if (!body) return void res.writeHead(404).end("Entry not found");
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) + 1 : body.length;
    res.writeHead(range ? 206 : 200, {
      "content-type": "application/octet-stream",
      "content-length": String(end - start),
      "accept-ranges": "bytes",
      etag: '"forged"',
      ...(range ? { "content-range": `bytes ${start}-${end - 1}/${body.length}` } : {}),
    });
    if (req.method === "HEAD") return void res.end();
    for (let at = start; at < end && !res.destroyed; at += 65_536) {
      if (stall && at >= body.length / 2) return; // keeps the connection open, sending nothing
      res.write(body.subarray(at, Math.min(end, at + 65_536)));
      await new Promise((done) => setTimeout(done, pieceDelayMs));
    }
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stallHalfway(value) {
      stall = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
