/**
 * An answer written in Markdown as plain text, for providers that show no
 * formatting (Messenger, Instagram): emphasis marks and heading hashes go,
 * code keeps its words, a link `[label](url)` becomes "label (url)", list
 * bullets become "•". Underscores inside words (`Pan_integral`) stay.
 */
export function toPlainText(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => {
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) return inline(heading[1]!).trim();
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
    .replace(/\*\*([^*\n]+)\*\*/g, "$1")
    .replace(/__([^_\n]+)__/g, "$1")
    .replace(/(?<![\w*])\*([^*\n]+)\*(?![\w*])/g, "$1")
    .replace(/(?<![\w_])_([^_\n]+)_(?![\w_])/g, "$1")
    .replace(/~~([^~\n]+)~~/g, "$1")
    .replace(/`([^`\n]+)`/g, "$1");
}
