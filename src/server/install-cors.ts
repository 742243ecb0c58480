import type { FastifyInstance } from "fastify";

/**
 * Cross-origin access for browsers: a chat widget on a business's own site
 * calls `/v1` (and reads its conversations under `/api`) with a `chat` key.
 * Off unless origins are given: a browser page on another origin then cannot
 * read any answer.
 *
 * `origins` are exact origins (`https://panaderia.example`) or `*` (any).
 * The headers go on every answer to an allowed origin, errors included (a
 * widget must be able to read a 401 or a 429), so this hook is added before
 * authentication. A preflight (`OPTIONS` with `Access-Control-Request-Method`)
 * from an allowed origin is answered 204 here, before any key is asked for;
 * from another origin it gets no CORS headers and the browser refuses; the
 * first refusal of each origin is logged (warn) with the setting to change,
 * since the site's owner sees only the browser's "CORS error".
 * Keys travel in the `Authorization` header, never in cookies, so
 * credentials are not allowed.
 */
export function installCors(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  const refused = new RefusedOrigins();
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    const preflight =
      request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
    if (origin !== undefined && preflight && !(any || allowed.has(origin)) && refused.firstTime(origin)) {
      // The browser only says "CORS error" on the business's page: the owner reads why here.
      // Quoted and cut short: the header is the sender's, not ours to print raw.
      const quoted = JSON.stringify(origin.slice(0, 200));
      request.log.warn(
        { origin: origin.slice(0, 200), url: request.url.split("?")[0] },
        `refused a browser request from ${quoted}: add ${quoted} to server.corsOrigins in alambique.yaml (and to the agent's widget.origins if it lists origins)`,
      );
    }
    if (origins.length === 0) return;
    // Answers differ by Origin: say so on all of them, so that a shared cache never hands one origin's to another.
    if (!any) {
      const vary = reply.getHeader("vary");
      reply.header("vary", vary ? `${String(vary)}, Origin` : "Origin");
    }
    if (origin === undefined || !(any || allowed.has(origin))) return;
    reply.header("access-control-allow-origin", any ? "*" : origin);
    reply.header("access-control-expose-headers", "x-request-id, retry-after");
    if (preflight) {
      reply.header("access-control-allow-methods", "GET, POST, PUT, DELETE");
      reply.header(
        "access-control-allow-headers",
        request.headers["access-control-request-headers"] ?? "authorization, content-type",
      );
      reply.header("access-control-max-age", "600");
      return reply.code(204).send();
    }
  });
}

/**
 * The origins whose refusal was logged: each once, so that a page retrying,
 * or anyone sending preflights with made-up origins, cannot flood the log.
 * Remembers at most `max`; past that, nothing more is logged.
 */
class RefusedOrigins {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 256) {}

  firstTime(origin: string): boolean {
    if (this.seen.has(origin) || this.seen.size >= this.max) return false;
    this.seen.add(origin);
    return true;
  }
}
