import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocalHttpServer,
  startLocalHttpServer,
} from "../../models/openai-compatible/local-http-server.fixture.js";
import { type ConsoleSite, chromiumPath, shoot, startConsoleSite } from "./console-site.fixture.js";

/**
 * A webhook's "test call" in the agent editor, in real Chromium (issue 16):
 * the owner fills sample arguments, presses the button, and reads what the
 * agent would: the status, the time and the answer, or the failure with its
 * hint; the form's unsaved tool is what is called. A tenant that is not the
 * operator's is refused the server's own network, and nothing is sent.
 */
describe.skipIf(!chromiumPath)("the webhook test call in Chromium", () => {
  let site: ConsoleSite;
  let shop: LocalHttpServer;
  const calls: string[] = [];
  beforeAll(async () => {
    // A no-op when web/console/dist is newer than its sources.
    execFileSync(process.execPath, [
      new URL("../../../web/console/build-console.mjs", import.meta.url).pathname,
    ]);
    shop = await startLocalHttpServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith("/down")) {
        res.writeHead(503, { "content-type": "text/plain" });
        return void res.end("cerrado por inventario");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ order: new URL(req.url!, shop.url).searchParams.get("order"), status: "listo" }),
      );
    });
    site = await startConsoleSite();
  }, 90_000);
  afterAll(async () => {
    await site?.close();
    await shop?.close();
  });

  const put = (key: string, name: string, url: string) =>
    fetch(`${site.apiUrl}/api/agents/${name}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        persona: "Marta, del horno.",
        languages: ["es"],
        tools: [
          {
            type: "webhook",
            name: "order_status",
            description: "El estado de un pedido por su número.",
            url,
            method: "GET",
            inputSchema: {
              type: "object",
              properties: { order: { type: "string", pattern: "^LE-\\d{4}$" } },
              required: ["order"],
            },
          },
        ],
      }),
    });

  it("calls the webhook as the form has it and shows the answer, a failure's hint, and bad arguments", async () => {
    const created = await put(site.api.operator.admin, "pedidos", `${shop.url}/orders/status`);
    expect(created.status, await created.text()).toBe(201);
    const { page, context, errors } = await site.open(
      `${site.apiUrl}/console/#key=${site.api.operator.admin}`,
    );
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    await page.evaluate("window.location.hash = '#/agents/pedidos'");
    const webhook = page.locator(".webhook");
    await webhook.waitFor();
    expect(await webhook.textContent()).not.toMatch(/petición .* real/); // a GET only reads

    await webhook.getByLabel("Argumentos de prueba (JSON)").fill('{"order": "LE-1234"}');
    await webhook.getByRole("button", { name: "Probar llamada" }).click();
    const outcome = webhook.locator(".test-outcome");
    await expect.poll(() => outcome.textContent()).toMatch(/^HTTP 200 en \d+ ms/);
    expect(await outcome.locator("pre").textContent()).toContain('"status": "listo"');
    expect(calls).toEqual(["GET /orders/status?order=LE-1234"]);
    await shoot(page, "webhook-test-call");

    // The form's tool, not yet saved: another path that fails, with what to do about it.
    await webhook.getByLabel("URL").fill(`${shop.url}/down`);
    await webhook.getByRole("button", { name: "Probar llamada" }).click();
    await expect.poll(() => outcome.textContent()).toMatch(/Falló \(http_status\) tras \d+ ms/);
    expect(await outcome.textContent()).toMatch(/HTTP 503.*cerrado por inventario.*Qué hacer:/s);
    // Arguments the schema refuses: nothing is sent, the problem is named.
    await webhook.getByLabel("Argumentos de prueba (JSON)").fill('{"order": "1234"}');
    await webhook.getByRole("button", { name: "Probar llamada" }).click();
    await expect.poll(() => outcome.textContent()).toMatch(/Falló \(invalid_arguments\)/);
    expect(await outcome.locator(".field-errors").textContent()).toMatch(/order/);
    // Not JSON: the button waits for it.
    await webhook.getByLabel("Argumentos de prueba (JSON)").fill("{order");
    expect(await webhook.getByRole("button", { name: "Probar llamada" }).isDisabled()).toBe(true);
    expect(calls).toEqual(["GET /orders/status?order=LE-1234", "GET /down?order=LE-1234"]);
    // A POST is announced as a real request.
    await webhook.getByLabel("Método").selectOption("POST");
    expect(await webhook.textContent()).toMatch(/Esto envía una petición POST real al servicio\./);

    // A new agent's webhooks are tested once it is saved.
    await page.evaluate("window.location.hash = '#/agents/new'");
    await page.getByRole("button", { name: "Añadir un webhook" }).click();
    expect(await page.getByRole("button", { name: "Probar llamada" }).isDisabled()).toBe(true);
    expect(await page.locator(".webhook").textContent()).toMatch(/Guarda primero el agente/);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("refuses another tenant the server's own network, and sends nothing", async () => {
    const { admin } = site.api.other;
    const created = await put(admin, "pedidos", "https://pedidos.example/status");
    expect(created.status, await created.text()).toBe(201);
    const before = calls.length;
    const { page, context, errors } = await site.open(`${site.apiUrl}/console/#key=${admin}`);
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    await page.evaluate("window.location.hash = '#/agents/pedidos'");
    const webhook = page.locator(".webhook");
    await webhook.getByLabel("URL").fill(`${shop.url}/orders/status`);
    await webhook.getByLabel("Argumentos de prueba (JSON)").fill('{"order": "LE-1234"}');
    await webhook.getByRole("button", { name: "Probar llamada" }).click();
    await expect
      .poll(() => webhook.getByRole("alert").textContent())
      .toMatch(/not a public internet address/);
    expect(calls.length).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
