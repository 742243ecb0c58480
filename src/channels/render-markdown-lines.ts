/** How one channel writes what `renderMarkdownLines` finds in a line. */
export interface MarkdownLineRendering {
  /** A heading's text, after its hashes (`## Horario` gives "Horario"). */
  heading(text: string): string;
  /** A line's inline Markdown (emphasis, code, links): a plain line, or a list item after its bullet. */
  inline(text: string): string;
}

const headingLine = /^#{1,6}\s+(.*)$/;
const bulletLine = /^(\s*)[-*+]\s+(.*)$/;
const httpLink = /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;

/**
 * An answer written in Markdown, line by line, for a chat channel: a heading
 * (`# x`) as `render.heading` writes it, a list item (`- x`, `* x`, `+ x`)
 * as "•" under its indent with `render.inline`'s item, any other line as
 * `render.inline` writes it. Line breaks are kept as they are.
 */
export function renderMarkdownLines(markdown: string, render: MarkdownLineRendering): string {
  return markdown
    .split("\n")
    .map((line) => {
      const heading = headingLine.exec(line);
      if (heading) return render.heading(heading[1]!);
      const bullet = bulletLine.exec(line);
      return bullet ? `${bullet[1]}• ${render.inline(bullet[2]!)}` : render.inline(line);
    })
    .join("\n");
}

/** Each http(s) link `[label](url)` as "label (url)", or the bare URL when the label is the URL. */
export function linksAsText(text: string): string {
  return text.replace(httpLink, (_, label: string, url: string) =>
    label === url ? url : `${label} (${url})`,
  );
}
