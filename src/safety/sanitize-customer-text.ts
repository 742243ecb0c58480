import { allowedDestination } from "./link-destination.js";
import { destinationStart, neutraliseLinks } from "./neutralise-links.js";
import { autolinkEnd, stripHtml } from "./strip-html.js";

/**
 * Text a customer will see — an answer quoted from the business's documents,
 * a model's reply — as plain text or Markdown that is safe to render with an
 * allow-list: no HTML (tags and comments removed, their text kept, the
 * content of `<script>`, `<style>` and the like dropped), and no link whose
 * destination is not relative or `http(s):`, `mailto:`, `tel:` (a
 * `[text](javascript:…)` link keeps its text; a `<javascript:…>` autolink
 * goes). Everything else — Markdown emphasis, lists, tables, allowed links —
 * is left as written.
 *
 * Three passes, each linear in the length of the text: `stripHtml`,
 * `neutraliseLinks`, then `escapeMarkup`, a last net that only substitutes
 * (it never joins two pieces of text, so it cannot make new markup): it
 * catches what removing something in the passes before may have put together.
 */
export function sanitizeCustomerText(text: string): string {
  return escapeMarkup(neutraliseLinks(stripHtml(text)));
}

/**
 * Markup that survived, made inert in place: a `<` that could open a tag,
 * comment or declaration becomes `‹` (an allowed autolink stays, as a bare URL), and a
 * `](`/`]:` before a destination that is not allowed gets a space, which
 * unmakes the link or the definition.
 */
export function escapeMarkup(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3c /* < */ && opensMarkup(text.charCodeAt(i + 1))) {
      const autolink = autolinkEnd(text, i);
      if (autolink?.keep) {
        // As a bare URL: in brackets, an HTML parser reads `<https:/x/onfocus=…>` as a tag.
        out += text.slice(from, i) + text.slice(i + 1, autolink.end - 1);
        from = autolink.end;
        i = autolink.end - 1;
        continue;
      }
      out += `${text.slice(from, i)}‹`;
      from = i + 1;
    } else if (
      code === 0x5d /* ] */ &&
      (text[i + 1] === "(" || text[i + 1] === ":") &&
      !allowedDestination(text, destinationStart(text, i + 2))
    ) {
      out += `${text.slice(from, i + 1)} `;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** A letter, `/`, `!` or `?`: what makes a `<` start a tag, comment or declaration. */
function opensMarkup(code: number): boolean {
  const letter = code | 0x20;
  return (letter >= 0x61 && letter <= 0x7a) || code === 0x2f || code === 0x21 || code === 0x3f;
}
