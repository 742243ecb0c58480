import { renderMarkdownLines } from "../render-markdown-lines.js";

/** The characters Telegram's MarkdownV2 reserves: each must be escaped with `\` outside an entity. */
const reserved = /[_*[\]()~`>#+\-=|{}.!\\]/g;

export function escapeMarkdownV2(text: string): string {
  return text.replace(reserved, (c) => `\\${c}`);
}

/**
 * An answer written in Markdown as Telegram's MarkdownV2: `**bold**` and
 * headings become bold, `*x*`/`_x_` italics, `` `code` `` stays code, an
 * http(s) link stays a link, list bullets become "•", and every other
 * character Telegram reserves is escaped, so no answer is refused by the API
 * ("can't parse entities") whatever it holds.
 */
export function toTelegramMarkdown(markdown: string): string {
  return renderMarkdownLines(markdown, {
    heading: (text) => `*${inline(text.replace(/\*\*/g, ""))}*`,
    inline,
  });
}

const token =
  /\*\*([^*\n]+)\*\*|`([^`\n]+)`|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)|(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])/g;

function inline(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(token)) {
    out += escapeMarkdownV2(text.slice(last, match.index));
    const [, bold, code, label, url, italic] = match;
    if (bold !== undefined) out += `*${escapeMarkdownV2(bold)}*`;
    else if (code !== undefined) out += `\`${code.replace(/[`\\]/g, (c) => `\\${c}`)}\``;
    else if (label !== undefined)
      out += `[${escapeMarkdownV2(label)}](${url!.replace(/[)\\]/g, (c) => `\\${c}`)})`;
    else out += `_${escapeMarkdownV2(italic!)}_`;
    last = match.index + match[0].length;
  }
  return out + escapeMarkdownV2(text.slice(last));
}
