import { sourceDisplayName } from "../../safety/source-display-name.js";

/** Locations that say where in a file, not what it is about: `row 12`, `page 3`, `faq[4]`, `line 7`, `$`. */
const locator = /^(row|page|line)\s+\d+$|^[\w$.-]*\[\d+\]$|^\$$/i;

/** The longest title shown; a longer heading is cut at a word. */
const maxTitle = 80;

/**
 * What a customer is shown as an answer's source: the document's title, never
 * its file name or path. That is the first heading of the cited passage's
 * location (`Envíos a domicilio > Zonas` gives `Envíos a domicilio`), else the
 * file name made readable (`preguntas-frecuentes.json` gives `Preguntas
 * frecuentes`). `uri` is the citation's (a file name, a path or a URL).
 */
export function sourceTitle(uri: string, location: string): string {
  const heading =
    location
      .split(" > ")[0]
      ?.replace(/^#+\s*/, "")
      .trim() ?? "";
  if (heading !== "" && !locator.test(location.trim())) return clip(heading);
  return clip(readableFileName(sourceDisplayName(uri)));
}

function readableFileName(name: string): string {
  const stem = name
    .replace(/\.[A-Za-z0-9]{1,5}$/, "")
    .replace(/[-_.]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return stem === "" ? name : stem.charAt(0).toUpperCase() + stem.slice(1);
}

function clip(text: string): string {
  if (text.length <= maxTitle) return text;
  const cut = text.slice(0, maxTitle);
  const space = cut.lastIndexOf(" ");
  return `${space > maxTitle / 2 ? cut.slice(0, space) : cut}…`;
}
