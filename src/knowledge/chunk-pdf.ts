import { readFile } from "node:fs/promises";
import type { ChunkDraft, ChunkSizes } from "./chunk-draft.js";
import { SectionChunker } from "./section-chunker.js";

/**
 * A PDF's text, page by page (unpdf, i.e. PDF.js): every chunk is within one
 * page, at `page N` (1-based). Paragraphs are blank-line separated runs in the
 * extracted text; long pages are cut as sections are.
 *
 * The whole file is read (a PDF's index is at its end); ingestion caps its
 * size first. Throws with PDF.js's reason for a damaged or encrypted file. A
 * scanned PDF gives no chunks (it has images, not text).
 */
export async function* chunkPdf(path: string, sizes?: ChunkSizes): AsyncGenerator<ChunkDraft> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const bytes = new Uint8Array(await readFile(path));
  const document = await getDocumentProxy(bytes, {
    isEvalSupported: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  try {
    const { text } = await extractText(document, { mergePages: false });
    const chunker = new SectionChunker(sizes);
    for (const [index, page] of text.entries()) {
      yield* chunker.startSection(null, `page ${index + 1}`);
      for (const paragraph of page.split(/\n\s*\n/)) yield* chunker.add(paragraph);
    }
    yield* chunker.end();
  } finally {
    await document.destroy();
  }
}
