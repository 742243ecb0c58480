import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

/** Where `web/widget.js` is: the package's root, found upwards from this file (src/ or dist/ alike). */
export function widgetScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, "web", "widget.js");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error("web/widget.js is missing from the package: reinstall alambique");
}

/**
 * `GET /widget.js`: the chat widget a business puts on its pages (see
 * web/widget.js). Public (the page loads it before any key is known),
 * cached by browsers for 5 minutes and revalidated with its ETag.
 */
export function registerWidgetRoute(app: FastifyInstance): void {
  let script: { body: string; etag: string } | undefined;
  app.get("/widget.js", { config: { access: "public" } }, async (request, reply) => {
    if (script === undefined) {
      const body = readFileSync(widgetScriptPath(), "utf8");
      script = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
    }
    reply.header("etag", script.etag).header("cache-control", "public, max-age=300");
    if (request.headers["if-none-match"] === script.etag) return reply.code(304).send();
    return reply.type("application/javascript; charset=utf-8").send(script.body);
  });
}
