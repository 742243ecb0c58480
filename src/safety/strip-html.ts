import { allowedScheme } from "./link-destination.js";

/**
 * Raw HTML out of text meant for a customer: tags and comments are removed and
 * the text between tags kept (`<b>pan</b>` → `pan`); the content of elements
 * that is code or hidden (`<script>`, `<style>`, `<iframe>`…) is dropped with
 * them; `<br>` and the end of a block (`</p>`, `</li>`…) become a line break.
 * Autolinks stay, as bare URLs, when their scheme is allowed (`<https://…>`, `<mailto:…>`,
 * `<ana@example.com>`) and go when not (`<javascript:…>`).
 *
 * Markup is what a browser would take for it: `<` then a letter, `/`, `!` or
 * `?`, up to its `>` (quoted attribute values may hold `>`), within
 * `MAX_MARKUP` characters. A `<` that starts nothing complete stays as it is
 * (see `escapeMarkup` for what the sanitizer then does with it). An
 * unterminated comment or `<script>` hides the rest of the text, as in a
 * browser. Linear: every position is looked at a bounded number of times.
 */
export function stripHtml(text: string): string {
  let out = "";
  let from = 0;
  let i = 0;
  let nextGt = -1;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt === -1) break;
    i = lt + 1;
    if (text.startsWith("<!--", lt)) {
      const close = text.indexOf("-->", lt + 2);
      out += text.slice(from, lt);
      from = i = close === -1 ? text.length : close + 3;
      continue;
    }
    const autolink = autolinkEnd(text, lt);
    if (autolink !== undefined) {
      // A kept autolink loses its brackets: `<https:/x/onfocus=…>` must not read as a tag to an HTML parser.
      out += text.slice(from, lt) + (autolink.keep ? text.slice(lt + 1, autolink.end - 1) : "");
      from = i = autolink.end;
      continue;
    }
    // Where the next `>` is, found once for every `<` up to it: a `<` with none near is no markup, at once.
    if (nextGt < lt) nextGt = text.indexOf(">", lt);
    if (nextGt === -1) {
      // No `>` left: no tag can end; an unterminated comment still hides what follows it.
      const comment = text.indexOf("<!--", lt);
      if (comment !== -1) {
        out += text.slice(from, comment);
        from = text.length;
      }
      break;
    }
    if (nextGt - lt > MAX_MARKUP) continue;
    const tag = markupEnd(text, lt);
    if (tag === undefined) continue;
    out += text.slice(from, lt);
    from = i = tag.end;
    if (tag.name !== undefined && !tag.closing && hiddenContent.has(tag.name)) {
      from = i = closingTagEnd(text, tag.end, tag.name);
    } else if (tag.name !== undefined && breaksLine(tag.name, tag.closing)) {
      out += "\n";
    }
  }
  return out + text.slice(from);
}

/** Longest tag, declaration or autolink recognised, in characters. */
export const MAX_MARKUP = 1024;

/** Elements whose content is code, styling or another document: never text for a customer (void ones, like `<embed>`, have none). */
export const hiddenContent = new Set([
  "script",
  "style",
  "iframe",
  "object",
  "noscript",
  "noembed",
  "noframes",
  "template",
  "svg",
  "math",
  "xmp",
]);

const blocks = new Set([
  "p",
  "div",
  "li",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "table",
  "blockquote",
  "section",
  "article",
  "pre",
]);

function breaksLine(name: string, closing: boolean): boolean {
  return name === "br" || name === "hr" || (closing && blocks.has(name));
}

/**
 * `<scheme:…>` or `<local@domain>` at `lt` (no spaces, `<` or `>` inside):
 * where it ends and whether it may stay. Undefined when there is none.
 */
export function autolinkEnd(text: string, lt: number): { end: number; keep: boolean } | undefined {
  // Cheap refusal first: an autolink has a `:` or `@` before any space, `<` or `>`.
  let mark = lt + 1;
  while (mark < text.length && mark - lt <= 66) {
    const code = text.charCodeAt(mark);
    if (code === 0x3a /* : */ || code === 0x40 /* @ */) break;
    if (code <= 0x20 || code === 0x3c || code === 0x3e) return undefined;
    mark++;
  }
  if (mark >= text.length || mark - lt > 66) return undefined;
  const scheme = /^<([A-Za-z][A-Za-z0-9+.-]{1,31}):/.exec(text.slice(lt, lt + 34));
  const email = scheme
    ? null
    : /^<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]/.exec(text.slice(lt, lt + 67));
  if (!scheme && !email) return undefined;
  const start = lt + (scheme ?? email)![0].length;
  for (let i = start; i < text.length && i - lt <= MAX_MARKUP; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x3e /* > */) return { end: i + 1, keep: scheme ? allowedScheme(scheme[1]!) : true };
    if (char <= 0x20 || char === 0x3c /* < */) return undefined;
    if (email && !/[A-Za-z0-9.-]/.test(text[i]!)) return undefined;
  }
  return undefined;
}

/**
 * The tag (`<b>`, `</p >`, `<a href=">">`), declaration (`<!doctype html>`,
 * `<![CDATA[…]]>`) or processing instruction (`<?xml …?>`) at `lt`: where it
 * ends, and a tag's lower-cased name. Undefined when `lt` starts none within
 * `MAX_MARKUP` characters.
 */
function markupEnd(text: string, lt: number): { end: number; name?: string; closing: boolean } | undefined {
  const first = text[lt + 1];
  if (first === "!" || first === "?") {
    const gt = text.indexOf(">", lt);
    return gt === -1 || gt - lt > MAX_MARKUP ? undefined : { end: gt + 1, closing: false };
  }
  const closing = first === "/";
  const nameStart = closing ? lt + 2 : lt + 1;
  if (!/[A-Za-z]/.test(text[nameStart] ?? "")) return undefined;
  let i = nameStart;
  while (i < text.length && !/[\s/>]/.test(text[i]!)) i++;
  const name = text.slice(nameStart, i).toLowerCase();
  // Attributes: a quoted value may hold `>`; the tag ends at the first `>` outside one.
  for (let previous = ""; i < text.length && i - lt <= MAX_MARKUP; i++) {
    const char = text[i]!;
    if (char === ">") return { end: i + 1, name, closing };
    if ((char === '"' || char === "'") && previous === "=") {
      let close = i + 1;
      while (close < text.length && close - lt <= MAX_MARKUP && text[close] !== char) close++;
      if (text[close] !== char) return undefined;
      i = close;
      previous = char;
      continue;
    }
    if (!/\s/.test(char)) previous = char;
  }
  return undefined;
}

/** After `<script …>`: the end of its `</script…>`, or of the text when it is never closed. */
function closingTagEnd(text: string, from: number, name: string): number {
  const pattern = new RegExp(`</${name}[\\s/>]`, "gi");
  pattern.lastIndex = from;
  const found = pattern.exec(text);
  if (!found) return text.length;
  const gt = text.indexOf(">", found.index);
  return gt === -1 ? text.length : gt + 1;
}
