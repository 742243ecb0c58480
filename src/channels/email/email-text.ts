/**
 * An answer written in Markdown as the plain text of a mail: emphasis and
 * code marks dropped, headings as their words, links as "text (url)", lists
 * and quotes kept as they read in plain text; then the signature under the
 * standard "-- " line (mail clients fold or strip what follows it).
 */
export function toEmailText(markdown: string, signature?: string): string {
  const body = markdown
    .replace(/\r\n?/g, "\n")
    .replace(/^```[^\n]*\n?/gm, "")
    .replace(/^#{1,6}\s+(.*?)\s*#*$/gm, "$1")
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_, alt: string, url: string) => (alt ? `${alt} (${url})` : url))
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "$2")
    .replace(/(^|[\s(])\*(?=\S)([^*\n]+?)(?<=\S)\*(?=[\s).,;:!?]|$)/gm, "$1$2")
    .replace(/(^|[\s(])_(?=\S)([^_\n]+?)(?<=\S)_(?=[\s).,;:!?]|$)/gm, "$1$2")
    .replace(/~~(.+?)~~/g, "$1")
    .replace(/`([^`\n]+)`/g, "$1")
    .replace(/^(\s*)[*+]\s+/gm, "$1- ")
    .trim();
  return signature?.trim() ? `${body}\n\n-- \n${signature.trim()}` : body;
}

/** A subject for a reply: the customer's, with "Re: " unless it has a reply prefix already. */
export function replySubject(subject: string | undefined, fallback: string): string {
  const base = subject?.replace(/\s+/g, " ").trim();
  if (!base) return fallback;
  return /^(re|aw|sv|rv|r)\s*:/i.test(base) ? base : `Re: ${base}`;
}
