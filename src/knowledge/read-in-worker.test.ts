import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultChunkSizes } from "./chunk-draft.js";
import { IngestLimitError } from "./ingest-limit-error.js";
import { defaultIngestLimits } from "./ingest-limits.js";
import { tempDir } from "./knowledge-test.fixture.js";
import { deflateBombPdf, minimalPdf } from "./pdf-file.fixture.js";
import type { DocumentUsage, ReadBudget } from "./read-budget.js";
import { type ReadRequest, readDocument } from "./read-document.js";
import { readInWorker } from "./read-in-worker.js";
import { idleReadingWorkers } from "./reading-worker-pool.js";

const mib = 2 ** 20;
const unbounded = { decodedBytes: Number.MAX_SAFE_INTEGER, pages: 1e9, chars: 1e12 };

function request(path: string, budget: Partial<ReadBudget> = {}): ReadRequest {
  return {
    path,
    kind: "pdf",
    encoding: "utf-8",
    sizes: defaultChunkSizes,
    budget: {
      uri: "doc.pdf",
      document: defaultIngestLimits.document,
      upload: defaultIngestLimits.upload,
      uploadLeft: defaultIngestLimits.upload,
      ...budget,
    },
  };
}

const options = { timeoutMs: 30_000, memoryMb: 1024, concurrency: 2 };

describe("readInWorker", () => {
  it("reads a PDF in a worker thread: the chunks readDocument makes, with progress by pages", async () => {
    const file = join(tempDir(), "doc.pdf");
    writeFileSync(file, minimalPdf(Array.from({ length: 400 }, (_, i) => [`Página ${i + 1}`])));
    const progress: DocumentUsage[] = [];
    const read = await readInWorker(request(file), {
      ...options,
      onProgress: (usage) => progress.push(usage),
    });
    const here: unknown[] = [];
    const usage = await readDocument(request(file), { chunk: (draft) => here.push(draft) });
    expect(read.chunks).toEqual(here);
    expect(read.usage).toEqual(usage);
    expect(read.usage).toMatchObject({ pages: 400, pagesTotal: 400, chunks: 400 });
    for (const p of progress) expect(p.pagesTotal).toBe(400);
  });

  it("stops the worker past the deadline: 422 naming timeoutMs", async () => {
    const file = join(tempDir(), "doc.pdf");
    writeFileSync(file, minimalPdf(Array.from({ length: 3000 }, (_, i) => [`Página ${i + 1}`])));
    const error = await readInWorker(request(file), { ...options, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(IngestLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ limit: "timeoutMs", status: 422, code: "document_too_slow" });
    expect((error as Error).message).toBe(
      '"doc.pdf": reading it took longer than 50 ms, the limit for one document (knowledge.limits.timeoutMs)',
    );
  });

  it("stops a bomb that gets past the decoded-bytes check on memory (memoryMb), and gives the memory back", async () => {
    const file = join(tempDir(), "bomb.pdf");
    writeFileSync(file, deflateBombPdf(1024 * mib));
    const before = process.memoryUsage.rss();
    // No decoded-bytes limit: PDF.js inflates the content stream, as it would for an encrypted bomb.
    const error = await readInWorker(request(file, { document: unbounded, uploadLeft: unbounded }), {
      ...options,
      memoryMb: 192,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ limit: "memoryMb", status: 413, code: "document_too_large" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((process.memoryUsage.rss() - before) / mib).toBeLessThan(192);
  });

  it("rethrows the document's own failure as the reader threw it", async () => {
    const file = join(tempDir(), "roto.pdf");
    writeFileSync(file, "%PDF-1.4\nthis is not a PDF body");
    await expect(readInWorker(request(file), options)).rejects.toMatchObject({ name: "InvalidPDFException" });
    const bomb = join(tempDir(), "bomb.pdf");
    writeFileSync(bomb, deflateBombPdf(64 * mib));
    const refused = await readInWorker(
      request(bomb, { uploadLeft: { ...unbounded, decodedBytes: 16 * mib } }),
      options,
    ).catch((e: unknown) => e);
    expect(refused).toMatchObject({ limit: "upload.decodedBytes", uri: "doc.pdf", code: "upload_too_large" });
  });
});

describe("readInWorker keeps its workers", () => {
  // A heap limit no other test uses: only these readings take these workers.
  const kept = { ...options, memoryMb: 1000, keepAliveMs: 60_000 };

  it("reuses a worker that read its document to the end, whatever the next document's kind", async () => {
    const pdf = join(tempDir(), "doc.pdf");
    writeFileSync(pdf, minimalPdf(Array.from({ length: 300 }, (_, i) => [`Página ${i + 1}`])));
    const text = join(tempDir(), "notas.md");
    writeFileSync(text, "# Horarios\n\nAbrimos de 7:30 a 20:30.\n\n## Domingos\n\nDe 8:00 a 14:30.\n");
    expect(idleReadingWorkers(1000)).toBe(0);
    await readInWorker(request(pdf), kept);
    expect(idleReadingWorkers(1000)).toBe(1);

    // The kept worker is taken (none idle while it reads), then kept again.
    let idleWhileReading = -1;
    const again = await readInWorker(request(pdf), {
      ...kept,
      onProgress: () => {
        idleWhileReading = idleReadingWorkers(1000);
      },
    });
    expect(idleWhileReading).toBe(0);
    expect(again.usage).toMatchObject({ pages: 300, chunks: 300 });
    expect(idleReadingWorkers(1000)).toBe(1);

    const markdown = { ...request(text), kind: "markdown" as const };
    const read = await readInWorker(markdown, kept);
    const here: unknown[] = [];
    await readDocument(markdown, { chunk: (draft) => here.push(draft) });
    expect(read.chunks).toEqual(here);
    expect(read.chunks.map((c) => c.title)).toEqual(["Horarios", "Horarios > Domingos"]);
    expect(idleReadingWorkers(1000)).toBe(1);
  });

  it("terminates, never keeps, a worker whose document went past a limit or failed", async () => {
    if (idleReadingWorkers(1000) === 0) await readInWorker(request(writePdf(1)), kept);
    expect(idleReadingWorkers(1000)).toBe(1);
    const slow = await readInWorker(request(writePdf(3000)), { ...kept, timeoutMs: 50 }).catch((e) => e);
    expect(slow).toMatchObject({ limit: "timeoutMs" });
    expect(idleReadingWorkers(1000)).toBe(0);

    const broken = join(tempDir(), "roto.pdf");
    writeFileSync(broken, "%PDF-1.4\nthis is not a PDF body");
    await expect(readInWorker(request(broken), kept)).rejects.toMatchObject({ name: "InvalidPDFException" });
    expect(idleReadingWorkers(1000)).toBe(0);
  });

  it("terminates, never keeps, a worker whose heap grew large reading its document", async () => {
    // A JSON document is parsed whole: 16 MB of it leave far more than keptHeapBytes behind (ordinary
    // documents 12–35 MiB); the reading itself stays within the 1000 MiB limit.
    if (idleReadingWorkers(1000) === 0) await readInWorker(request(writePdf(1)), kept);
    expect(idleReadingWorkers(1000)).toBe(1);
    const file = join(tempDir(), "faq.json");
    const entry = (i: number) => ({
      question: `¿Pregunta ${i}?`,
      answer: `Respuesta ${i}: ${"masa madre ".repeat(8)}`,
    });
    writeFileSync(file, JSON.stringify(Array.from({ length: 120_000 }, (_, i) => entry(i))));
    const read = await readInWorker({ ...request(file), kind: "json" }, kept);
    expect(read.usage.chunks).toBe(120_000);
    expect(idleReadingWorkers(1000)).toBe(0);
  });

  it("lets an idle worker go after keepAliveMs", async () => {
    await readInWorker(request(writePdf(1)), { ...kept, keepAliveMs: 50 });
    expect(idleReadingWorkers(1000)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idleReadingWorkers(1000)).toBe(0);
  });
});

function writePdf(pages: number): string {
  const file = join(tempDir(), "doc.pdf");
  writeFileSync(file, minimalPdf(Array.from({ length: pages }, (_, i) => [`Página ${i + 1}`])));
  return file;
}
