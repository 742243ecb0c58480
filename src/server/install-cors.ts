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
 * from another origin it gets no CORS headers and the browser refuses.
 * Keys travel in the `Authorization` header, never in cookies, so
 * credentials are not allowed.
 */
export function installCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes("*");
  const allowed = new Set(origins);
  app.addHook("onRequest", async (request, reply) => {
    // Answers differ by Origin: say so on all of them, so that a shared cache never hands one origin's to another.
    if (!any) {
      const vary = reply.getHeader("vary");
      reply.header("vary", vary ? `${String(vary)}, Origin` : "Origin");
    }
    const origin = request.headers.origin;
    if (origin === undefined || !(any || allowed.has(origin))) return;
    reply.header("access-control-allow-origin", any ? "*" : origin);
    reply.header("access-control-expose-headers", "x-request-id, retry-after");
    if (request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined) {
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
