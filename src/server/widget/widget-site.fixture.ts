import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import type { AgentSpec } from "../../spec/agent.js";
import { type ApiServer, startApiServer } from "../api/api-server.fixture.js";

/**
 * Chromium for the widget's tests: CI installs it and requires it
 * (ALAMBIQUE_REQUIRE_BROWSER); elsewhere the tests run when a browser is found
 * (CHROMIUM_PATH, or the usual paths) and say so otherwise.
 */
export const chromiumPath = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
].find((path) => path !== undefined && existsSync(path));
if (!chromiumPath && process.env.ALAMBIQUE_REQUIRE_BROWSER)
  throw new Error(
    "ALAMBIQUE_REQUIRE_BROWSER is set but no Chromium was found: install chromium or set CHROMIUM_PATH",
  );
if (!chromiumPath) console.warn("widget tests: no Chromium found (set CHROMIUM_PATH); they are skipped");

/** Where the widget's screenshots go (git-ignored): look at them after a change to its looks. */
export const screenshotDir = new URL("../../../test-results/widget/", import.meta.url).pathname;

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

export interface WidgetSite {
  api: ApiServer;
  apiUrl: string;
  /** The business's own site, on another origin than the server. */
  siteUrl: string;
  browser: Browser;
  /**
   * A visitor's page (a fresh browser profile: its own visitor) with the
   * widget's script tag and these `data-*` attributes besides agent and key.
   */
  visit(options?: {
    data?: Record<string, string>;
    viewport?: { width: number; height: number };
    key?: string;
    context?: BrowserContext;
  }): Promise<{ page: Page; context: BrowserContext; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * The demo bakery's agent (with `change` applied to its spec) behind the real
 * server on 127.0.0.1, a business's page on another port that loads
 * `/widget.js` from it with a chat key, and Chromium, headless.
 */
export async function startWidgetSite(change: (spec: AgentSpec) => AgentSpec): Promise<WidgetSite> {
  mkdirSync(screenshotDir, { recursive: true });
  let apiUrl = "";
  const site: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/avatar.svg") {
      res.writeHead(200, { "content-type": "image/svg+xml" });
      res.end(avatarSvg);
      return;
    }
    const params = url.searchParams;
    const attributes = [...params]
      .filter(([name]) => name.startsWith("data-"))
      .map(([name, value]) => `${name.replace(/[^\w-]/g, "")}="${escapeAttribute(value)}"`)
      .join(" ");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="es"><head><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>La Espiga</title></head><body style="font-family: Georgia, serif; margin: 40px">
      <nav><a href="#inicio">Inicio</a></nav><h1>Panadería La Espiga</h1>
      <p>Pan de masa madre, bollería y tartas por encargo en Ruzafa, Valencia.</p>
      <script src="${apiUrl}/widget.js" data-agent="la-espiga" ${attributes} async></script>
    </body></html>`);
  });
  await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const api = await startApiServer({ corsOrigins: [siteUrl] });
  await seedDemoAgent(api.store, api.other.tenant.id, change);
  apiUrl = (await api.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  const browser = await chromium.launch({ executablePath: chromiumPath!, args: ["--no-sandbox"] });
  return {
    api,
    apiUrl,
    siteUrl,
    browser,
    async visit(options = {}) {
      const context =
        options.context ?? (await browser.newContext({ viewport: options.viewport ?? desktop }));
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("dialog", (dialog) => {
        errors.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const query = new URLSearchParams({ "data-key": options.key ?? api.other.chat, ...options.data });
      await page.goto(`${siteUrl}/?${query}`);
      await page.locator(".launcher").waitFor();
      return { page, context, errors };
    },
    async close() {
      await browser.close();
      await api.close();
      await new Promise((done) => site.close(done));
    },
  };
}

/** Opens the panel with the launcher and waits for the greeting (the session is open). */
export async function openWidget(page: Page): Promise<void> {
  await page.locator(".launcher").click();
  await expect.poll(() => page.locator(".greeting").count(), { timeout: 15_000 }).toBe(1);
}

/** Sends a message with Enter and waits until `answers` answers are on screen and the form is free. */
export async function ask(page: Page, question: string, answers: number): Promise<void> {
  await page.locator("textarea").fill(question);
  await page.locator("textarea").press("Enter");
  await expect.poll(() => page.locator(".assistant:not(.typing)").count(), { timeout: 15_000 }).toBe(answers);
  await expect.poll(() => page.locator("button.send").isDisabled(), { timeout: 15_000 }).toBe(false);
}

/** What has focus inside the widget's shadow root: its class and aria-label, or null when the page has it. */
export function focused(page: Page): Promise<string | null> {
  return page.evaluate(`(() => {
    const active = document.querySelector("[data-alambique-widget]")?.shadowRoot?.activeElement;
    if (!active) return null;
    const label = active.getAttribute("aria-label");
    return active.tagName.toLowerCase() + "." + active.className + (label ? " [" + label + "]" : "");
  })()`);
}

/** A CSS property of the element `locator` finds, as the browser computes it (`rgb(…)`, `16px`). */
export function computedStyle(locator: Locator, property: string): Promise<string> {
  return locator.evaluate(
    (element, name) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
        element,
      )[name]!,
    property,
  );
}

/** The conversation of the visitor whose browser shows `page` (from the token the widget keeps). */
export async function conversationOf(site: WidgetSite, page: Page) {
  const token = String(await page.evaluate('localStorage.getItem("alambique:session:la-espiga")'));
  const claims = JSON.parse(Buffer.from(token.slice(4, token.lastIndexOf(".")), "base64url").toString());
  const [conversation] = await site.api.store.conversations.list(site.api.other.tenant.id, {
    externalUserPrefix: `key:${site.api.other.chatKeyId}:visitor:${claims.visitorId}`,
  });
  if (!conversation) throw new Error("the visitor has no conversation");
  return conversation;
}

/** The shop's avatar, served by its own site. */
const avatarSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="20" fill="#f5d9b8"/>
  <text x="20" y="27" font-size="20" font-family="Georgia, serif" text-anchor="middle" fill="#8a4b14">L</text></svg>`;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
