import { readFile } from "node:fs/promises";
import type { ChunkDraft, ChunkSizes } from "./chunk-draft.js";
import { measurePdfStreams } from "./measure-pdf-streams.js";
import { allowance, checkBudget, type DocumentUsage, emptyUsage, type ReadBudget } from "./read-budget.js";
import { SectionChunker } from "./section-chunker.js";

export interface PdfReadOptions {
  /** Limits on what the PDF inflates to and its pages; none: unbounded (trusted files only). */
  budget?: ReadBudget;
  /** Filled as reading goes: decoded bytes first, then pages. */
  usage?: DocumentUsage;
  /** Called after each page. */
  onPage?: (usage: DocumentUsage) => void;
}

/**
 * A PDF's text, page by page (unpdf, i.e. PDF.js): every chunk is within one
 * page, at `page N` (1-based). Paragraphs are blank-line separated runs in the
 * extracted text; long pages are cut as sections are.
 *
 * With a `budget`, what the file's streams inflate to is measured first,
 * without keeping it (`measurePdfStreams`), and the page count is checked
 * before any page is read: past either limit it throws `IngestLimitError`
 * before PDF.js inflates anything. Pages are read one at a time and let go.
 *
 * The whole file is read (a PDF's index is at its end); ingestion caps its
 * size first. Throws with PDF.js's reason for a damaged or encrypted file. A
 * scanned PDF gives no chunks (it has images, not text).
 */
export async function* chunkPdf(
  path: string,
  sizes?: ChunkSizes,
  options: PdfReadOptions = {},
): AsyncGenerator<ChunkDraft> {
  const { budget } = options;
  const usage = options.usage ?? emptyUsage();
  const bytes = new Uint8Array(await readFile(path));
  if (budget) {
    const measured = await measurePdfStreams(bytes, allowance(budget, "decodedBytes"));
    usage.decodedBytes = measured.decodedBytes;
    checkBudget(budget, "decodedBytes", measured.decodedBytes);
  }
  const { getDocumentProxy } = await import("unpdf");
  const document = await getDocumentProxy(bytes, {
    isEvalSupported: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  try {
    usage.pagesTotal = document.numPages;
    if (budget) checkBudget(budget, "pages", document.numPages);
    const chunker = new SectionChunker(sizes);
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
        .join("");
      page.cleanup();
      yield* chunker.startSection(null, `page ${number}`);
      for (const paragraph of text.split(/\n\s*\n/)) yield* chunker.add(paragraph);
      usage.pages = number;
      options.onPage?.(usage);
    }
    yield* chunker.end();
  } finally {
    await document.destroy();
  }
}
