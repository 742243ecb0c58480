import { type ChunkDraft, type ChunkSizes, maxGatherChars } from "./chunk-draft.js";
import { HeadingPath } from "./heading-path.js";
import { HtmlTagReader } from "./html-tag-reader.js";
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
 * page is never whole in memory. Time is linear in the input whatever its
 * shape: nesting is capped (`HtmlTagReader`), and text, table rows and
 * captured headings or `<pre>` are each handed on past `maxGatherChars`.
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
  /** Whether `text` has anything but spaces (kept as text grows, rather than trimming it at every cell). */
  let textHasContent = false;
  let capture:
    | { kind: "heading"; level: number; text: string }
    | { kind: "pre" | "title"; text: string }
    | undefined;
  /** The rows of the table being read (nested tables add to the outermost), and their characters. */
  let rows: string[] | undefined;
  let rowChars = 0;
  let tableDepth = 0;
  let startedSection = false;

  const flushText = () => {
    const block = text
      .split("\n")
      .map((line) => line.replace(/\s+/g, " ").trim())
      .filter((line) => line !== "" && line !== "-")
      .join("\n");
    text = "";
    textHasContent = false;
    if (rows) {
      if (block === "") return;
      rows.push(block.replace(/\n/g, " "));
      rowChars += block.length + 1;
      if (rowChars > maxGatherChars) flushRows();
    } else ready.push(...chunker.add(block));
  };
  const flushRows = () => {
    if (!rows) return;
    const table = rows.join("\n");
    rows = [];
    rowChars = 0;
    ready.push(...chunker.add(table));
  };
  const appendText = (data: string) => {
    text += data;
    if (!textHasContent && /\S/.test(data)) textHasContent = true;
  };
  /** Ends a heading, `<pre>` or title being captured (at its end tag, or when another one starts inside it). */
  const endCapture = () => {
    if (capture?.kind === "heading") {
      const path = headings.enter(capture.level, capture.text);
      capture = undefined;
      ready.push(...chunker.startSection(path, path));
      startedSection = true;
    } else if (capture?.kind === "pre") {
      ready.push(...chunker.add(capture.text, { atomic: true }));
      capture = undefined;
    } else if (capture?.kind === "title") {
      const title = capture.text.replace(/\s+/g, " ").trim();
      capture = undefined;
      if (!startedSection && title !== "") ready.push(...chunker.startSection(title, "start"));
    }
  };

  const reader = new HtmlTagReader({
    open(name) {
      if (skipped.has(name)) skipDepth++;
      if (skipDepth > 0) return;
      const level = /^h([1-6])$/.exec(name)?.[1];
      if (level) {
        endCapture();
        flushText();
        capture = { kind: "heading", level: Number(level), text: "" };
      } else if (name === "pre" || name === "title") {
        endCapture();
        flushText();
        capture = { kind: name, text: "" };
      } else if (name === "br") {
        if (capture?.kind === "pre") capture.text += "\n";
        else appendText("\n");
      } else if (name === "li") {
        flushText();
        text = "- ";
      } else if (name === "table") {
        flushText();
        tableDepth++;
        rows ??= [];
      } else if (name === "td" || name === "th") {
        if (textHasContent) appendText(" | ");
      } else if (name === "tr" || blocks.has(name)) flushText();
    },
    text(data) {
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
        appendText(data.replace(/\s+/g, " "));
        if (text.length > maxGatherChars) flushText();
      }
    },
    close(name) {
      if (skipped.has(name)) {
        skipDepth = Math.max(0, skipDepth - 1);
        return;
      }
      if (skipDepth > 0) return;
      if (
        (capture?.kind === "heading" && /^h[1-6]$/.test(name)) ||
        (capture?.kind === "pre" && name === "pre") ||
        (capture?.kind === "title" && name === "title")
      ) {
        endCapture();
      } else if (name === "table" && rows) {
        flushText();
        tableDepth = Math.max(0, tableDepth - 1);
        if (tableDepth === 0) {
          flushRows();
          rows = undefined;
        }
      } else if (name === "tr" || name === "li" || blocks.has(name)) flushText();
    },
  });

  for await (const piece of pieces) {
    reader.write(piece);
    yield* ready.splice(0);
  }
  reader.end();
  endCapture();
  flushText();
  if (rows) flushRows();
  ready.push(...chunker.end());
  yield* ready.splice(0);
}
