import { linksAsText, renderMarkdownLines } from "../render-markdown-lines.js";

/**
 * An answer written in Markdown as WhatsApp shows formatted text: `**bold**`
 * and headings become `*bold*`, `*x*`/`_x_` italics `_x_`, `~~x~~` `~x~`,
 * code stays in backticks, a link `[label](url)` becomes "label (url)"
 * (WhatsApp links bare URLs itself), list bullets become "•".
 */
export function toWhatsAppText(markdown: string): string {
  return renderMarkdownLines(markdown, {
    heading: (text) => `*${text.replace(/\*\*/g, "").trim()}*`,
    inline,
  });
}

function inline(text: string): string {
  return linksAsText(text)
    .replace(/(?<![\w*])\*([^*\n]+)\*(?![\w*])/g, "_$1_")
    .replace(/\*\*([^*\n]+)\*\*/g, "*$1*")
    .replace(/__([^_\n]+)__/g, "*$1*")
    .replace(/~~([^~\n]+)~~/g, "~$1~");
}
