/**
 * The owner's console's first load (issue 16), against the chat widget's, measured side by side in one run:
 *
 *   npx tsx bench/console.ts [--rounds 7]
 *
 * - size: the JavaScript the first page (sign-in) loads, gzipped (level 6, what a compressing proxy sends; the
 *   server itself sends it uncompressed), against `/widget.js` gzipped the same way; and all of the console's JS;
 * - time to interactive on loopback: from navigation start until the page can be used (the console's sign-in
 *   field is rendered and enabled; the widget's launcher is on the page), in a fresh Chromium profile each round
 *   (nothing cached), rounds interleaved so that drift in the machine's load hits both alike.
 *
 * Targets: under 250 KB of gzipped JS for the first page, interactive under 1 s. Builds the console first when
 * web/console/dist is older than its sources (web/console/build-console.mjs). Needs Chromium (CHROMIUM_PATH).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startApiServer } from "../src/server/api/api-server.fixture.js";
import { chromiumPath } from "../src/server/widget/widget-site.fixture.js";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const rounds = Number(args.rounds);
if (!chromiumPath) throw new Error("no Chromium found: install chromium or set CHROMIUM_PATH");

const dist = new URL("../web/console/dist/", import.meta.url);
execFileSync(process.execPath, [new URL("../web/console/build-console.mjs", import.meta.url).pathname], {
  stdio: "inherit",
});
const gz = (bytes: Buffer | string) => gzipSync(bytes, { level: 6 }).length;
const kb = (n: number) => (n / 1024).toFixed(1);

// What index.html makes the browser fetch before the first page can run: its module script and modulepreloads.
const html = readFileSync(new URL("index.html", dist), "utf8");
const firstPage = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[\w.-]+\.js)"/g)].map((m) => m[1]!);
const firstGz = firstPage.reduce((sum, file) => sum + gz(readFileSync(new URL(file, dist))), 0);
const allJs = readdirSync(new URL("assets/", dist)).filter((f) => f.endsWith(".js"));
const allGz = allJs.reduce((sum, file) => sum + gz(readFileSync(new URL(`assets/${file}`, dist))), 0);

const api = await startApiServer();
const apiUrl = (await api.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
const widgetJs = await (await fetch(`${apiUrl}/widget.js`)).text();
const site = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="es"><body><h1>Shop</h1>
    <script src="${apiUrl}/widget.js" data-agent="x" data-key="${api.other.chat}" async></script></body></html>`);
});
await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
/** ms from navigation start until `ready` resolves, in a fresh profile. */
async function timeToInteractive(url: string, ready: string): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(ready).waitFor({ state: "attached" });
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}
const consoleTimes: number[] = [];
const widgetTimes: number[] = [];
for (let round = 0; round < rounds; round++) {
  consoleTimes.push(await timeToInteractive(`${apiUrl}/console/`, "#admin-key:enabled"));
  widgetTimes.push(await timeToInteractive(siteUrl, "[data-alambique-widget] >> .launcher"));
}
await browser.close();
await api.close();
site.close();

const c = spread(consoleTimes);
const w = spread(widgetTimes);
console.log(`console first load, ${rounds} rounds, load average ${loadAverage()}\n`);
console.log(
  formatTable([
    ["page", "first-load JS (gz KB)", "all JS (gz KB)", "interactive (ms)", "ratio to widget"],
    ["console sign-in", kb(firstGz), kb(allGz), formatSpread(c, 0), (c.median / w.median).toFixed(2)],
    ["widget (reference)", kb(gz(widgetJs)), kb(gz(widgetJs)), formatSpread(w, 0), "1.00"],
  ]),
);
console.log(`\nfirst page loads: ${firstPage.join(", ")}`);
console.log(
  `targets: first-load JS < 250 KB gz: ${firstGz < 250 * 1024 ? "met" : "MISSED"}; interactive < 1000 ms: ${c.median < 1000 ? "met" : "MISSED"}`,
);
