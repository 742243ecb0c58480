import type { FastifyInstance } from "fastify";

/** What the demo page needs: which agent, and a `chat` key the page may show (it can only open visitor sessions). */
export interface DemoPage {
  agent: string;
  title: string;
  chatKey: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `GET /`: the demo bakery's web page with the chat widget on it, as a
 * business would put it on its own site (one script tag). Same origin as the
 * API, so no CORS setting is needed. `page()` is read per request: the key is
 * made once the agent exists, after the server has started.
 */
export function demoPageRoute(page: () => DemoPage | undefined) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get("/", { config: { access: "public" } }, async (_request, reply) => {
      const demo = page();
      if (!demo)
        return reply.code(503).send({
          error: {
            message: "the demo is still starting",
            type: "server_error",
            code: "starting",
            param: null,
          },
        });
      const title = escapeHtml(demo.title);
      return reply.type("text/html; charset=utf-8").send(`<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #2b2118; }
h1 { color: #8a4b14; } code { background: #f3e3d3; padding: .1rem .3rem; border-radius: 4px; }</style></head>
<body>
<h1>${title}</h1>
<p>Pan de masa madre, bollería y tartas por encargo. Pregunta a nuestra asistente con el botón de abajo a la derecha:
horarios, envíos, alérgenos, encargos o el estado de tu pedido (prueba con <code>LE-1001</code>).</p>
<p lang="en">Sourdough bread, pastries and cakes to order. Ask our assistant with the button at the bottom right.</p>
<p><small>This page is the Alambique demo: the widget is one script tag, served by this server.</small></p>
<script src="/widget.js" data-agent="${escapeHtml(demo.agent)}" data-key="${escapeHtml(demo.chatKey)}" data-title="${title}" async></script>
</body>
</html>`);
    });
  };
}
