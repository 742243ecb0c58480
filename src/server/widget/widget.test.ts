import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { type ApiServer, startApiServer } from "../api/api-server.fixture.js";

/**
 * The chat widget in a real browser (Chromium, headless): a business's page on
 * one origin loads `/widget.js` from the server on another, a visitor opens
 * it and asks, and the demo agent's answer streams in over CORS, SSE and the
 * `chat` key. CI installs Chromium and requires it (.ci/run); elsewhere the
 * test runs when a browser is found (CHROMIUM_PATH, or the usual paths) and
 * says so otherwise.
 */
const chromiumPath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (path) => path !== undefined && existsSync(path),
);
if (!chromiumPath && process.env.ALAMBIQUE_REQUIRE_BROWSER)
  throw new Error(
    "ALAMBIQUE_REQUIRE_BROWSER is set but no Chromium was found: install chromium or set CHROMIUM_PATH",
  );
if (!chromiumPath)
  console.warn("widget.test.ts: no Chromium found (set CHROMIUM_PATH); the browser test is skipped");

describe.skipIf(!chromiumPath)("the chat widget in Chromium", () => {
  let api: ApiServer;
  let apiUrl: string;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    // The business's own site: a page with the widget's one script tag, `key` from the query.
    site = createServer((req, res) => {
      const key = new URL(req.url ?? "/", "http://x").searchParams.get("key") ?? "";
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="es"><head><title>La Espiga</title></head><body>
        <h1>Panadería La Espiga</h1>
        <script src="${apiUrl}/widget.js" data-agent="la-espiga" data-key="${key}" data-title="La Espiga" data-poll-ms="200" async></script>
      </body></html>`);
    });
    await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    api = await startApiServer({ corsOrigins: [siteUrl] });
    await seedDemoAgent(api.store, api.other.tenant.id);
    apiUrl = (await api.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
    browser = await chromium.launch({ executablePath: chromiumPath!, args: ["--no-sandbox"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise((done) => site?.close(done));
  });

  async function ask(page: Page, question: string, answers: number): Promise<void> {
    await page.locator("textarea").fill(question);
    await page.locator("textarea").press("Enter");
    await expect.poll(() => page.locator(".assistant").count(), { timeout: 15_000 }).toBe(answers);
    await expect.poll(() => page.locator("button.send").isDisabled(), { timeout: 15_000 }).toBe(false);
  }

  it("answers a visitor from the agent's documents, in one conversation of its own visitor session", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${siteUrl}/?key=${api.other.chat}`);
    await page.locator(".launcher").click();
    await expect.poll(() => page.locator(".panel").isVisible()).toBe(true);
    expect(await page.locator("header").textContent()).toBe("La Espiga");

    await ask(page, "¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?", 1);
    const answer = await page.locator(".assistant").first().textContent();
    expect(answer).toContain("Según nuestros documentos");
    expect(answer).toMatch(/Benimaclet|envío/i);
    await ask(page, "¿A qué hora abrís el domingo?", 2);
    expect(errors).toEqual([]);

    const conversations = await api.store.conversations.list(api.other.tenant.id);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.externalUserId).toMatch(new RegExp(`^key:${api.other.chatKeyId}:visitor:`));
    const messages = await api.store.messages.list(conversations[0]!.id);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    // The page holds a visitor token, never a way to read other conversations.
    const token = await page.evaluate('localStorage.getItem("alambique:session:la-espiga")');
    expect(token).toMatch(/^alv_/);

    // A reload finds the same conversation, its history shown again.
    await page.reload();
    await page.locator(".launcher").click();
    await expect.poll(() => page.locator(".assistant").count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator(".user").count()).toBe(2);
    await ask(page, "gracias, ¿y los sábados?", 3);
    expect(await api.store.conversations.list(api.other.tenant.id)).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("after a handoff, shows the person's replies as they are written", async () => {
    // Another visitor: the widget's id for each is kept in the browser profile's storage.
    const context = await browser.newContext();
    const visitor = await context.newPage();
    await visitor.goto(`${siteUrl}/?key=${api.other.chat}`);
    await visitor.locator(".launcher").click();
    await ask(visitor, "quiero hablar con una persona, por favor", 1);
    const [waiting] = await api.store.conversations.list(api.other.tenant.id, { status: "waiting_human" });
    expect(waiting).toBeDefined();
    // A person answers from the desk (the REST API, with the tenant's admin key).
    const reply = await api.call(api.other.admin, {
      method: "POST",
      url: `/api/conversations/${waiting!.id}/reply`,
      payload: { text: "¡Hola! Soy Marta, ¿en qué te ayudo?", staff: "Marta" },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    await expect
      .poll(() => visitor.locator(".human").textContent(), { timeout: 10_000 })
      .toContain("Soy Marta");
    expect(await visitor.locator(".human .staff").textContent()).toBe("Marta");
    await context.close();
  }, 60_000);

  it("tells the visitor when the key is refused, and the page goes on", async () => {
    const page = await browser.newPage();
    await page.goto(`${siteUrl}/?key=alq_revoked_or_wrong`);
    await page.locator(".launcher").click();
    await page.locator("textarea").fill("hola");
    await page.locator("textarea").press("Enter");
    await expect
      .poll(() => page.locator(".error").first().textContent(), { timeout: 15_000 })
      .toMatch(/No se pudo enviar/);
    expect(await page.locator(".assistant").count()).toBe(0);
    expect(await page.locator("h1").textContent()).toBe("Panadería La Espiga");
    await page.close();
  }, 60_000);
});
