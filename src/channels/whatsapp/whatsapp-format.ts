/**
 * An answer written in Markdown as WhatsApp shows formatted text: `**bold**`
 * and headings become `*bold*`, `*x*`/`_x_` italics `_x_`, `~~x~~` `~x~`,
 * code stays in backticks, a link `[label](url)` becomes "label (url)"
 * (WhatsApp links bare URLs itself), list bullets become "•".
 */
export function toWhatsAppText(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => {
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) return `*${heading[1]!.replace(/\*\*/g, "").trim()}*`;
      const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
      return bullet ? `${bullet[1]}• ${inline(bullet[2]!)}` : inline(line);
    })
    .join("\n");
}

function inline(text: string): string {
  return text
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/(?<![\w*])\*([^*\n]+)\*(?![\w*])/g, "_$1_")
    .replace(/\*\*([^*\n]+)\*\*/g, "*$1*")
    .replace(/__([^_\n]+)__/g, "*$1*")
    .replace(/~~([^~\n]+)~~/g, "~$1~");
}
