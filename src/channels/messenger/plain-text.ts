import { linksAsText, renderMarkdownLines } from "../render-markdown-lines.js";

/**
 * An answer written in Markdown as plain text, for providers that show no
 * formatting (Messenger, Instagram): emphasis marks and heading hashes go,
 * code keeps its words, a link `[label](url)` becomes "label (url)", list
 * bullets become "•". Underscores inside words (`Pan_integral`) stay.
 */
export function toPlainText(markdown: string): string {
  return renderMarkdownLines(markdown, { heading: (text) => inline(text).trim(), inline });
}

function inline(text: string): string {
  return linksAsText(text)
    .replace(/\*\*([^*\n]+)\*\*/g, "$1")
    .replace(/__([^_\n]+)__/g, "$1")
    .replace(/(?<![\w*])\*([^*\n]+)\*(?![\w*])/g, "$1")
    .replace(/(?<![\w_])_([^_\n]+)_(?![\w_])/g, "$1")
    .replace(/~~([^~\n]+)~~/g, "$1")
    .replace(/`([^`\n]+)`/g, "$1");
}
