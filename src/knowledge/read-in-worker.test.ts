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
