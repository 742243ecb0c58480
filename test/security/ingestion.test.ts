import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deflateBombPdf, minimalPdf } from "../../src/knowledge/pdf-file.fixture.js";
import { type ApiServer, agentSpec, startApiServer } from "../../src/server/api/api-server.fixture.js";
import {
  deeplyNestedHtml,
  manyPages,
  percentile,
  probeEvery20ms,
  type UploadBody,
  uploaderProcess,
} from "./ingestion-files.fixture.js";

// Issue 10, findings 4 and 6, through the real upload route with the default limits:
// each test fails on the code before the fix.

let server: ApiServer;
let base: string;
beforeAll(async () => {
  server = await startApiServer();
  for (const name of ["bomb", "pdf", "html"]) {
    await server.call(server.other.admin, {
      method: "PUT",
      url: `/api/agents/${name}`,
      payload: agentSpec(name),
    });
  }
  base = await server.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(() => server.close());

async function upload(agent: string, name: string, content: Uint8Array | string) {
  const body = new FormData();
  body.append("file", new Blob([content]), name);
  const res = await fetch(`${base}/api/agents/${agent}/knowledge`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.other.admin}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as UploadBody };
}

const mib = 2 ** 20;

describe("finding 4: a decompression bomb is refused without taking the server's memory", () => {
  it("a 1 MB PDF inflating to 1 GiB is answered 413 naming the limit, memory growing under 100 MB", async () => {
    // Once before measuring: the first reading of a PDF loads the reader (and, from src/, compiles it).
    const warm = await upload("bomb", "carta.pdf", minimalPdf([["Tarta de queso: 24 euros"]]));
    expect(warm.status, JSON.stringify(warm.body)).toBe(200);

    const bomb = deflateBombPdf(1024 * mib);
    expect(bomb.length).toBeLessThan(1.1 * mib);
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakBuffers = before.arrayBuffers;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    }, 5);
    const started = performance.now();
    const res = await upload("bomb", "bomb.pdf", bomb);
    const took = performance.now() - started;
    clearInterval(sampler);

    expect([413, 422], JSON.stringify(res.body)).toContain(res.status);
    expect(res.body.error).toMatchObject({ code: "document_too_large", param: "bomb.pdf" });
    expect(res.body.error?.message).toContain("knowledge.limits.document.decodedBytes");
    expect(res.body.error?.message).toContain("256 MiB");
    expect(res.body.error?.message).toMatch(/split it/);
    const growth = {
      rss: (peakRss - before.rss) / mib,
      arrayBuffers: (peakBuffers - before.arrayBuffers) / mib,
    };
    console.info(
      `bomb refused in ${Math.round(took)} ms; peak growth rss ${growth.rss.toFixed(1)} MiB, arrayBuffers ${growth.arrayBuffers.toFixed(1)} MiB`,
    );
    expect(growth.rss).toBeLessThan(100);
    expect(growth.arrayBuffers).toBeLessThan(100);
    // Nothing was stored, and nothing stays held: the reading worker is gone with its memory.
    const list = await server.call(server.other.admin, { url: "/api/agents/bomb/knowledge" });
    expect(list.json().data.map((s: { uri: string }) => s.uri)).toEqual(["carta.pdf"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((process.memoryUsage().rss - before.rss) / mib).toBeLessThan(100);
  }, 60_000);
});

describe("finding 6: ingestion does not stall the server", () => {
  it("/healthz p99 stays under 100 ms while a 3,000-page PDF and a 2 MB deeply nested HTML are ingested", async () => {
    // Sent by processes of their own: the server's event loop does only the server's work.
    const dir = mkdtempSync(join(tmpdir(), "alq-ingestion-"));
    writeFileSync(join(dir, "condiciones.pdf"), minimalPdf(manyPages(3000)));
    writeFileSync(join(dir, "anidado.html"), deeplyNestedHtml(2 * mib));
    const uploader = (agent: string, name: string) =>
      uploaderProcess(`${base}/api/agents/${agent}/knowledge`, server.other.admin, join(dir, name), name);
    const pdfUpload = uploader("pdf", "condiciones.pdf");
    const htmlUpload = uploader("html", "anidado.html");
    await new Promise((resolve) => setTimeout(resolve, 300)); // the uploaders have started
    const probe = probeEvery20ms(`${base}/healthz`);
    await probe.ready;
    const started = performance.now();
    const [pdfRes, htmlRes] = await Promise.all([pdfUpload.send(), htmlUpload.send()]);
    const took = performance.now() - started;
    const latencies = await probe.stop();

    expect(pdfRes.status, JSON.stringify(pdfRes.body)).toBe(200);
    expect(pdfRes.body).toMatchObject({ added: ["condiciones.pdf"], skipped: [] });
    expect(pdfRes.body.chunks).toBeGreaterThanOrEqual(3000);
    expect(htmlRes.status, JSON.stringify(htmlRes.body)).toBe(200);
    expect(htmlRes.body).toMatchObject({ added: ["anidado.html"], skipped: [] });
    expect(htmlRes.body.chunks).toBeGreaterThan(10);
    const p99 = percentile(latencies, 99);
    console.info(
      `ingested in ${Math.round(took)} ms; /healthz ${latencies.length} requests: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(took / 40);
    expect(p99).toBeLessThan(100);
  }, 60_000);
});
