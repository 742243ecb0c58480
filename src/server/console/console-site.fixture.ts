import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { ModelRegistry, type ModelRegistryOptions } from "../../models/model-registry.js";
import type { Store } from "../../spec/store.js";
import { type ApiServer, startApiServer } from "../api/api-server.fixture.js";
import type { ServerOptions } from "../create-server.js";
import { chromiumPath, desktop, phone } from "../widget/widget-site.fixture.js";

export { chromiumPath, desktop, phone };

/**
 * Builds web/console/dist for a test file's `beforeAll`; a no-op when dist is
 * newer than its sources. Throws (the build's output in the error) when it fails.
 */
export function buildConsole(): void {
  execFileSync(process.execPath, [
    new URL("../../../web/console/build-console.mjs", import.meta.url).pathname,
  ]);
}

/**
 * The console's site for the tests of one file: `beforeAll` builds the
 * console and starts the site (90 s allowed), `afterAll` closes it. The object
 * returned is empty until `beforeAll` has run, then is the started site.
 */
export function useConsoleSite(options: Pick<ServerOptions, "modelsDir"> = {}): ConsoleSite {
  const site = {} as ConsoleSite;
  beforeAll(async () => {
    buildConsole();
    Object.assign(site, await startConsoleSite(options));
  }, 90_000);
  afterAll(() => site.close?.());
  return site;
}

/** Where the console's screenshots go (git-ignored): each page at desktop and phone sizes. */
export const consoleShots = new URL("../../../test-results/console/", import.meta.url).pathname;

export interface ConsoleSite {
  api: ApiServer;
  /** The server, where the console is: `${apiUrl}/console/`. */
  apiUrl: string;
  /** The business's own site, on another origin: it shows whatever `embed` was last given. */
  siteUrl: string;
  /** Puts this HTML (the widget's snippet, as copied from the console) on the site's page. */
  embed(html: string): void;
  browser: Browser;
  /** A fresh browser profile on `url`; `errors` collects the page's uncaught errors. */
  open(
    url: string,
    options?: { locale?: string; viewport?: { width: number; height: number } },
  ): Promise<{
    page: Page;
    context: BrowserContext;
    errors: string[];
  }>;
  close(): Promise<void>;
}

/**
 * The real server on 127.0.0.1 (its console at /console, built by the test's
 * `beforeAll`), a business's site on another port whose origin the server's
 * `corsOrigins` allows, and Chromium, headless. The catalog (a real
 * registry over the server's store) has one remote model, with its licence.
 * `modelsDir`: where students go, for starting distillation loops.
 */
export async function startConsoleSite(options: Pick<ServerOptions, "modelsDir"> = {}): Promise<ConsoleSite> {
  mkdirSync(consoleShots, { recursive: true });
  let embedded = "";
  const site: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="es"><head><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Panadería</title></head><body style="font-family: Georgia, serif; margin: 40px">
      <h1>Panadería Trigo Limpio</h1><p>Pan de masa madre en Ruzafa.</p>${embedded}</body></html>`);
  });
  await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const catalog: ModelRegistryOptions = { store: undefined as unknown as Store };
  const api = await startApiServer({
    ...options,
    corsOrigins: [siteUrl],
    models: new ModelRegistry(catalog),
  });
  catalog.store = api.store;
  await api.store.models.add({
    name: "qwen2.5-7b-instruct",
    source: "url:http://10.0.0.7:8000/v1",
    architecture: "qwen2",
    parameterCount: 7_600_000_000,
    quantization: null,
    contextLength: 32768,
    licenseId: "apache-2.0",
    licenseUrl: "https://www.apache.org/licenses/LICENSE-2.0",
    weightsOpenness: "open",
    dataOpenness: "closed",
    codeOpenness: "open",
    outputsMayTrain: true,
    metadata: {},
  });
  const apiUrl = (await api.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  const browser = await chromium.launch({ executablePath: chromiumPath!, args: ["--no-sandbox"] });
  return {
    api,
    apiUrl,
    siteUrl,
    browser,
    embed(html) {
      embedded = html;
    },
    async open(url, options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? desktop,
        locale: options.locale ?? "es-ES",
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("dialog", (dialog) => void dialog.accept());
      await page.goto(url);
      return { page, context, errors };
    },
    async close() {
      await browser.close();
      await api.close();
      await new Promise((done) => site.close(done));
    },
  };
}

/** Screenshots of the page as it is now at desktop and phone sizes: `NAME-desktop.png`, `NAME-phone.png`. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${consoleShots}${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(phone);
  await page.screenshot({ path: `${consoleShots}${name}-phone.png`, fullPage: true });
  await page.setViewportSize(desktop);
}
