import { extname } from "node:path";
import type { SourceKind } from "../spec/knowledge.js";
import { detectEncoding, type TextEncodingName } from "./decode-text.js";

const byExtension: Record<string, SourceKind> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "markdown",
  ".txt": "text",
  ".text": "text",
  // YAML is indexed as text: its `#` comments are not Markdown headings.
  ".yaml": "text",
  ".yml": "text",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".pdf": "pdf",
  ".csv": "csv",
  ".tsv": "csv",
  ".json": "json",
  ".jsonl": "json",
  ".ndjson": "json",
};

/** Formats people try that we cannot read, with what to do instead. */
const convertHints: Record<string, string> = {
  ".docx": "save it as PDF, HTML or Markdown",
  ".doc": "save it as PDF, HTML or Markdown",
  ".odt": "save it as PDF, HTML or Markdown",
  ".rtf": "save it as PDF or plain text",
  ".xlsx": "save the sheet as CSV",
  ".xls": "save the sheet as CSV",
  ".ods": "save the sheet as CSV",
  ".pptx": "save it as PDF",
};

export type Detected =
  | { ok: true; kind: SourceKind; encoding: TextEncodingName }
  | { ok: false; reason: string };

/**
 * What a file is, from its name and its first bytes: the extension decides
 * when it is a known one and the content agrees with it (a `.pdf` must start
 * with `%PDF-`, a text format must not be binary); files without a known
 * extension are sniffed (`%PDF-`, an HTML tag, JSON brackets, Markdown
 * headings or fences, a delimited header line, else plain text). Reasons say
 * what to do, for the ingestion report.
 */
export function detectSourceKind(path: string, head: Uint8Array): Detected {
  const extension = extname(path).toLowerCase();
  const isPdf = startsWith(head, "%PDF-");
  if (extension === ".pdf" || (isPdf && !(extension in byExtension))) {
    return isPdf
      ? { ok: true, kind: "pdf", encoding: "utf-8" }
      : {
          ok: false,
          reason: "not a PDF: the file does not start with %PDF- (damaged, or renamed from another format)",
        };
  }
  const hint = convertHints[extension];
  if (hint) return { ok: false, reason: `${extension} files are not supported: ${hint}, then add that` };
  if (head.length === 0) return { ok: false, reason: "the file is empty" };
  const encoding = detectEncoding(head);
  if (encoding === undefined) {
    return {
      ok: false,
      reason:
        "binary content (an image, archive or office file?): supported are Markdown, text, HTML, PDF, CSV and JSON",
    };
  }
  const known = byExtension[extension];
  if (known) return { ok: true, kind: known, encoding };
  return {
    ok: true,
    kind: sniffText(new TextDecoder(encoding === "windows-1252" ? "latin1" : encoding).decode(head)),
    encoding,
  };
}

function sniffText(text: string): SourceKind {
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (
    /^<(!doctype html|html|head|body|meta|title)\b/i.test(start) ||
    /<(p|div|h[1-6]|ul|table)[\s>]/i.test(start.slice(0, 4096))
  ) {
    return "html";
  }
  if (/^[[{]/.test(start)) return "json";
  if (/^ {0,3}(#{1,6} \S|```|~~~)/m.test(start) || /^[^\n]+\n(=+|-+)[ \t]*$/m.test(start)) return "markdown";
  const lines = start.split(/\r?\n/, 6).filter((l) => l.trim() !== "");
  for (const delimiter of [",", ";", "\t", "|"]) {
    const counts = lines.map((l) => l.split(delimiter).length - 1);
    if (lines.length >= 2 && (counts[0] ?? 0) >= 1 && counts.every((c) => c === counts[0])) return "csv";
  }
  return "text";
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  return ascii.split("").every((char, i) => bytes[i] === char.charCodeAt(0));
}
