import { extname } from "node:path";
import type { SourceKind } from "../spec/knowledge.js";
import { chunkCsv } from "./chunk-csv.js";
import type { ChunkDraft, ChunkSizes } from "./chunk-draft.js";
import { chunkHtml } from "./chunk-html.js";
import { chunkJson, chunkJsonLines } from "./chunk-json.js";
import { chunkMarkdown } from "./chunk-markdown.js";
import { chunkPdf, type PdfReadOptions } from "./chunk-pdf.js";
import { chunkText } from "./chunk-text.js";
import type { TextEncodingName } from "./decode-text.js";
import { flagSuspectChunks } from "./flag-suspect-chunks.js";
import { readAllText, readLines, readTextPieces } from "./read-text.js";

/**
 * The chunks of one file of a known kind, in reading order. Markdown, text,
 * HTML, CSV and JSON Lines stream; PDF and JSON documents are read whole (the
 * caller caps file sizes). Chunks that give the assistant orders come flagged
 * (`flagSuspectChunks`). Throws what the format's parser throws. `pdf`
 * bounds and reports a PDF's reading (see `chunkPdf`).
 */
export function extractChunks(
  path: string,
  kind: SourceKind,
  encoding: TextEncodingName,
  sizes?: ChunkSizes,
  pdf?: PdfReadOptions,
): AsyncIterable<ChunkDraft> {
  return flagSuspectChunks(chunksOf(path, kind, encoding, sizes, pdf));
}

function chunksOf(
  path: string,
  kind: SourceKind,
  encoding: TextEncodingName,
  sizes?: ChunkSizes,
  pdf?: PdfReadOptions,
): AsyncIterable<ChunkDraft> {
  switch (kind) {
    case "markdown":
      return chunkMarkdown(readLines(path, encoding), sizes);
    case "text":
      return chunkText(readLines(path, encoding), sizes);
    case "html":
      return chunkHtml(readTextPieces(path, encoding), sizes);
    case "pdf":
      return chunkPdf(path, sizes, pdf);
    case "csv":
      return chunkCsv(
        readTextPieces(path, encoding),
        extname(path).toLowerCase() === ".tsv" ? { delimiter: "\t" } : {},
      );
    case "json":
      return [".jsonl", ".ndjson"].includes(extname(path).toLowerCase())
        ? chunkJsonLines(readLines(path, encoding))
        : (async function* () {
            yield* chunkJson(await readAllText(path, encoding));
          })();
  }
}
