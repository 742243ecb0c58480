/**
 * The documents of bench/ingest.ts: what a small business uploads, built
 * from the demo bakery's own text (data/demo/knowledge) repeated and varied
 * with a seeded generator, so every run makes the same bytes.
 *
 * - Markdown: an FAQ, `##` sections of questions with answers of a few sentences and now and then a list.
 * - HTML: a catalogue page as a site exports it (head with style and script, nav, sections of paragraphs,
 *   product tables, footer).
 * - CSV: the catalogue's rows (`;`-separated, quoted where a cell has one), references renumbered, prices varied.
 * - PDF: terms and conditions, `pages` pages of 42 lines each (a heading, then paragraph lines of about 90
 *   characters), each page's content stream compressed with FlateDecode as PDF writers do.
 *
 * Each comes with `text`: the same words as plain text (the reference that shows what parsing the format
 * costs). `fact`, when given, is a sentence put in the middle of the document (and of its text).
 */
import { readdirSync, readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { pdfOfPages } from "../src/knowledge/pdf-file.fixture.js";

export type Format = "markdown" | "html" | "csv" | "pdf";

export interface Document {
  format: Format;
  /** A file name with the format's extension. */
  name: string;
  bytes: Buffer;
  /** The document's words as plain text. */
  text: string;
}

const knowledgeDir = new URL("../data/demo/knowledge/", import.meta.url);
const extension: Record<Format, string> = { markdown: "md", html: "html", csv: "csv", pdf: "pdf" };

/** The demo's sentences (from its Markdown, HTML and text files), its FAQ questions and its catalogue rows. */
const demo = (() => {
  const sentences: string[] = [];
  const questions: string[] = [];
  for (const file of readdirSync(knowledgeDir).sort()) {
    const raw = readFileSync(new URL(file, knowledgeDir), "utf8");
    if (file.endsWith(".json")) {
      for (const entry of (JSON.parse(raw) as { faq: { question: string; answer: string }[] }).faq) {
        questions.push(entry.question);
        sentences.push(...splitSentences(entry.answer));
      }
    } else if (!file.endsWith(".csv")) {
      const prose = raw
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
        .replace(/<[^>]+>/g, " ")
        .split("\n")
        .filter((line) => !/^\s*(#|\||-|\d+\.|\*)/.test(line))
        .join(" ");
      sentences.push(...splitSentences(prose));
    }
  }
  const [header, ...rows] = readFileSync(new URL("catalogo.csv", knowledgeDir), "utf8").trim().split("\n");
  return { sentences, questions, header: header!, rows };
})();

function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 30 && s.length < 400);
}

/** A small seeded generator (mulberry32): the same documents on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(list: readonly T[], next: () => number): T => list[Math.floor(next() * list.length)]!;
const paragraph = (next: () => number, count: number) =>
  Array.from({ length: count }, () => pick(demo.sentences, next)).join(" ");

/** Blocks of text (headings and paragraphs) until `bytes` of them, `fact` in the middle one. */
function blocks(seed: number, bytes: number, fact?: string): { heading: string; paragraphs: string[] }[] {
  const next = random(seed);
  const out: { heading: string; paragraphs: string[] }[] = [];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    const heading = `${pick(demo.questions, next).replace(/\?$/, "")} (${n})?`;
    const paragraphs = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      paragraph(next, 2 + Math.floor(next() * 3)),
    );
    out.push({ heading, paragraphs });
    size += heading.length + paragraphs.reduce((sum, p) => sum + p.length + 2, 0);
  }
  if (fact) out[out.length >> 1]!.paragraphs.push(fact);
  return out;
}

const plain = (parts: { heading: string; paragraphs: string[] }[]) =>
  parts.map(({ heading, paragraphs }) => `${heading}\n\n${paragraphs.join("\n\n")}`).join("\n\n");

export function markdownDocument(seed: number, bytes: number, fact?: string): Document {
  const parts = blocks(seed, bytes, fact);
  const md = parts
    .map(({ heading, paragraphs }, i) => {
      const body = paragraphs.map((p, j) =>
        i % 4 === 1 && j === 0 ? `- ${p.split(". ").join(".\n- ")}` : wrap(p, 100).join("\n"),
      );
      return `## ${heading}\n\n${body.join("\n\n")}`;
    })
    .join("\n\n");
  return document("markdown", `# Preguntas frecuentes\n\n${md}\n`, plain(parts));
}

export function htmlDocument(seed: number, bytes: number, fact?: string): Document {
  const parts = blocks(seed, bytes * 0.8, fact);
  const next = random(seed + 1);
  const table = () =>
    `<table class="productos">\n<tr><th>Referencia</th><th>Producto</th><th>Precio</th><th>Alérgenos</th></tr>\n${Array.from(
      { length: 4 },
      () => {
        const cells = pick(demo.rows, next).split(";");
        return `<tr><td>${cells[0]}</td><td>${escapeHtml(cells[1]!)}</td><td>${cells[4]}</td><td>${escapeHtml(cells[5]!)}</td></tr>`;
      },
    ).join("\n")}\n</table>`;
  const sections = parts.map(
    ({ heading, paragraphs }, i) =>
      `<section id="s${i}">\n<h2>${escapeHtml(heading)}</h2>\n${paragraphs.map((p) => `<p class="texto">${escapeHtml(p)}</p>`).join("\n")}${i % 3 === 0 ? `\n${table()}` : ""}\n</section>`,
  );
  const html = `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8"><title>Catálogo — Panadería La Espiga</title>
<style>body{font-family:sans-serif;margin:0 auto;max-width:60rem}table{border-collapse:collapse}td,th{padding:.3rem}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("js",new Date());</script>
</head>
<body>
<nav><a href="/">Inicio</a> · <a href="/catalogo">Catálogo</a> · <a href="/encargos">Encargos</a> · <a href="/contacto">Contacto</a></nav>
<main>
<h1>Catálogo y preguntas frecuentes</h1>
${sections.join("\n")}
</main>
<footer><p>Panadería La Espiga · Ruzafa, Valencia · <a href="mailto:hola@laespiga.example">hola@laespiga.example</a></p></footer>
</body>
</html>
`;
  return document("html", html, plain(parts));
}

export function csvDocument(seed: number, bytes: number, fact?: string): Document {
  const next = random(seed);
  const lines = [demo.header];
  let size = demo.header.length;
  for (let n = 1; size < bytes; n++) {
    const cells = pick(demo.rows, next).split(";");
    cells[0] = `${cells[0]!.slice(0, 3)}-${String(n).padStart(5, "0")}`;
    cells[4] = cells[4]!.replace(/\d+,\d\d|\d+(?= €)/, (price) =>
      (Number(price.replace(",", ".")) * (0.8 + next() * 0.4)).toFixed(2).replace(".", ","),
    );
    const line = cells.join(";");
    lines.push(line);
    size += line.length + 1;
  }
  if (fact) lines.splice(lines.length >> 1, 0, `NOV-00001;${fact};${fact};Novedades;1,00 €;;;no;;;;`);
  const csv = `${lines.join("\n")}\n`;
  return document("csv", csv, csv.replaceAll(";", " "));
}

export function pdfDocument(seed: number, pages: number, fact?: string): Document {
  const next = random(seed);
  const pageLines: string[][] = [];
  for (let page = 1; page <= pages; page++) {
    const lines = [`Condiciones de venta, página ${page}`];
    while (lines.length < 42) lines.push(...wrap(paragraph(next, 3), 90), "");
    pageLines.push(lines.slice(0, 42));
  }
  if (fact) pageLines[pages >> 1]!.splice(20, 0, ...wrap(fact, 90));
  const streams = pageLines.map((lines) =>
    deflateSync(
      Buffer.from(
        `BT /F1 10 Tf 13 TL 56 760 Td ${lines.map((line) => `(${pdfString(line)}) Tj T*`).join("\n")} ET`,
        "latin1",
      ),
    ),
  );
  return {
    format: "pdf",
    name: "condiciones.pdf",
    bytes: pdfOfPages(streams, "/Filter /FlateDecode"),
    text: pageLines.map((lines) => lines.join("\n")).join("\n\n"),
  };
}

function document(format: Format, content: string, text: string): Document {
  const names: Record<Format, string> = {
    markdown: "preguntas",
    html: "catalogo",
    csv: "productos",
    pdf: "condiciones",
  };
  return { format, name: `${names[format]}.${extension[format]}`, bytes: Buffer.from(content), text };
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A PDF literal string in WinAnsi: `\\`, `(`, `)` escaped, `€` as octal 200, other characters outside Latin-1 as `?`. */
function pdfString(text: string): string {
  return text
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replaceAll("€", "\\200")
    .replace(/[^\u0000-\u00ff]/g, "?");
}
