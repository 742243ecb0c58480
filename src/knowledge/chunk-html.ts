import { Parser } from "htmlparser2";
import { type ChunkDraft, type ChunkSizes, maxGatherChars } from "./chunk-draft.js";
import { HeadingPath } from "./heading-path.js";
import { SectionChunker } from "./section-chunker.js";

/** Elements whose content is not the page's knowledge: code, styling, menus, embedded media. */
const skipped = new Set([
  "script",
  "style",
  "nav",
  "noscript",
  "template",
  "svg",
  "iframe",
  "canvas",
  "object",
]);
const blocks = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "header",
  "footer",
  "aside",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "blockquote",
  "figure",
  "figcaption",
  "address",
  "form",
  "fieldset",
  "details",
  "summary",
  "hr",
  "body",
]);

/**
 * HTML, cut like Markdown: `<h1>`…`<h6>` give the heading path (`title` and
 * `location`), block elements give paragraphs, list items start with `- `,
 * table rows become lines with cells joined by ` | `, and `<pre>` is atomic.
 * Scripts, styles, `<nav>` menus and embedded media are dropped. Text before
 * the first heading is titled with the page's `<title>`, at `start`.
 *
 * `pieces` is the decoded text as it streams; the parser is incremental, so a
 * page is never whole in memory.
 */
export async function* chunkHtml(
  pieces: AsyncIterable<string>,
  sizes?: ChunkSizes,
): AsyncGenerator<ChunkDraft> {
  const chunker = new SectionChunker(sizes);
  const headings = new HeadingPath();
  const ready: ChunkDraft[] = [];
  let skipDepth = 0;
  let text = "";
  let capture:
    | { kind: "heading"; level: number; text: string }
    | { kind: "pre" | "title"; text: string }
    | undefined;
  let rows: string[] | undefined;
  let startedSection = false;

  const flushText = () => {
    const block = text
      .split("\n")
      .map((line) => line.replace(/\s+/g, " ").trim())
      .filter((line) => line !== "" && line !== "-")
      .join("\n");
    text = "";
    if (rows) {
      if (block !== "") rows.push(block.replace(/\n/g, " "));
    } else ready.push(...chunker.add(block));
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (skipped.has(name)) skipDepth++;
        if (skipDepth > 0) return;
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level) {
          flushText();
          capture = { kind: "heading", level: Number(level), text: "" };
        } else if (name === "pre" || name === "title") {
          flushText();
          capture = { kind: name, text: "" };
        } else if (name === "br") {
          if (capture?.kind === "pre") capture.text += "\n";
          else text += "\n";
        } else if (name === "li") {
          flushText();
          text = "- ";
        } else if (name === "table") {
          flushText();
          rows = [];
        } else if (name === "td" || name === "th") {
          if (text.trim() !== "") text += " | ";
        } else if (name === "tr" || blocks.has(name)) flushText();
      },
      ontext(data) {
        if (skipDepth > 0) return;
        // Outside <pre>, line breaks in the source are plain whitespace; only <br> breaks a line.
        if (capture?.kind === "pre") {
          capture.text += data;
          if (capture.text.length > maxGatherChars) {
            ready.push(...chunker.add(capture.text, { atomic: true }));
            capture.text = "";
          }
        } else if (capture) {
          // A heading or title longer than this is not one; the rest is dropped.
          if (capture.text.length < 1000) capture.text += data.replace(/\s+/g, " ");
        } else {
          text += data.replace(/\s+/g, " ");
          if (text.length > maxGatherChars) flushText();
        }
      },
      onclosetag(name) {
        if (skipped.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (capture?.kind === "heading" && /^h[1-6]$/.test(name)) {
          const path = headings.enter(capture.level, capture.text);
          capture = undefined;
          ready.push(...chunker.startSection(path, path));
          startedSection = true;
        } else if (capture?.kind === "pre" && name === "pre") {
          ready.push(...chunker.add(capture.text, { atomic: true }));
          capture = undefined;
        } else if (capture?.kind === "title" && name === "title") {
          const title = capture.text.replace(/\s+/g, " ").trim();
          capture = undefined;
          if (!startedSection && title !== "") ready.push(...chunker.startSection(title, "start"));
        } else if (name === "table" && rows) {
          flushText();
          const table = rows.join("\n");
          rows = undefined;
          ready.push(...chunker.add(table));
        } else if (name === "tr" || name === "li" || blocks.has(name)) flushText();
      },
    },
    { decodeEntities: true },
  );

  for await (const piece of pieces) {
    parser.write(piece);
    yield* ready.splice(0);
  }
  parser.end();
  flushText();
  ready.push(...chunker.end());
  yield* ready.splice(0);
}
