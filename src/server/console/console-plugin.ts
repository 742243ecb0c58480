import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply } from "fastify";

/** `web/console/dist/` at the package's root: three folders up from src/server/console/ and dist/server/console/. */
export const consoleDist = new URL("../../../web/console/dist/", import.meta.url);

const types: Record<string, string> = {
  js: "application/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  woff2: "font/woff2",
  json: "application/json",
};
/** What Vite names the built files: `name-hash.ext`, one folder, no dots or slashes to climb out with. */
const assetName = /^[\w-]+\.(js|css|svg|png|woff2|json)$/;

/**
 * The owner's console could only ever talk to this server, show images, and
 * be framed by nobody (its own widget preview is a same-origin frame). Inline
 * styles are React's `style` props and the widget's shadow-root styles.
 */
const securityHeaders = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * `GET /console` and `/console/assets/*`: the owner's console (web/console/,
 * built by Vite into web/console/dist/ by `npm install`'s build step). Public
 * files: the app asks for an admin key and sends it to `/api` itself; nothing
 * a tenant owns is in them. The page is revalidated on every load; the hashed
 * assets are cached for a year. Before the console is built, `/console`
 * answers 503 saying how to build it.
 */
export async function consolePlugin(app: FastifyInstance): Promise<void> {
  const page = async (_request: unknown, reply: FastifyReply) => {
    const html = await readFile(new URL("index.html", consoleDist), "utf8").catch(() => undefined);
    reply.headers(securityHeaders).header("cache-control", "no-cache");
    if (html === undefined) {
      return reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send("The console is not built: run `npm run build:console` (npm install does it), then reload.\n");
    }
    return reply.type("text/html; charset=utf-8").send(html);
  };
  app.get("/console", { config: { access: "public" } }, page);
  app.get("/console/", { config: { access: "public" } }, page);
  app.get<{ Params: { file: string } }>(
    "/console/assets/:file",
    { config: { access: "public" } },
    async (request, reply) => {
      const match = assetName.exec(request.params.file);
      const body = match
        ? await readFile(new URL(`assets/${request.params.file}`, consoleDist)).catch(() => undefined)
        : undefined;
      if (!match || body === undefined) return reply.callNotFound();
      reply.headers(securityHeaders).header("cache-control", "public, max-age=31536000, immutable");
      return reply.type(types[match[1]!]!).send(body);
    },
  );
}
