import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { bundleWidget } from "./bundle-widget.js";

/** `web/widget/` at the package's root: three folders up from src/server/widget/ and dist/server/widget/ alike. */
const widgetModules = new URL("../../../web/widget/", import.meta.url);

/**
 * `GET /widget.js`: the chat widget a business puts on its pages (see
 * web/widget/main.js), its modules put together on first request. Public (the
 * page loads it before any key is known), cached by browsers for 5 minutes and
 * revalidated with its ETag.
 */
export function registerWidgetRoute(app: FastifyInstance): void {
  let script: { body: string; etag: string } | undefined;
  app.get("/widget.js", { config: { access: "public" } }, async (request, reply) => {
    if (script === undefined) {
      const body = bundleWidget(widgetModules);
      script = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
    }
    reply.header("etag", script.etag).header("cache-control", "public, max-age=300");
    if (request.headers["if-none-match"] === script.etag) return reply.code(304).send();
    return reply.type("application/javascript; charset=utf-8").send(script.body);
  });
}
