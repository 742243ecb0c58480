/**
 * Whether a link destination may reach a customer: relative (`/menu`,
 * `#horario`, `precios.html`) or with a scheme on the allow-list. Anything
 * else with a scheme (`javascript:`, `vbscript:`, `data:`, `file:`…) is refused.
 *
 * The destination is read as a Markdown renderer and then a browser would read
 * it: character references (`&#106;`, `&#x3A;`, `&colon;`) and backslash
 * escapes (`\:`) decoded, tabs and line breaks dropped anywhere, leading spaces
 * and control characters skipped, case ignored. So no spelling of
 * `javascript:` gets through as a relative link.
 */
const allowedSchemes = new Set(["http", "https", "mailto", "tel"]);

/** Longest scheme read; a longer run of scheme characters is refused (no allowed scheme is that long). */
const MAX_SCHEME = 32;

/** The named references that decode to characters a scheme check must see; others read as `&` (not a scheme). */
const namedReferences: Record<string, string> = {
  colon: ":",
  Tab: "\t",
  NewLine: "\n",
  period: ".",
  plus: "+",
  sol: "/",
  quest: "?",
  num: "#",
};

/**
 * Whether the destination starting at `start` in `text` is allowed. Reads the
 * leading whitespace (however long) and then at most `MAX_SCHEME` decoded
 * characters: callers that skip what was read stay linear.
 */
export function allowedDestination(text: string, start: number): boolean {
  let scheme = "";
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let char: string;
    if (code === 0x26 /* & */ || code === 0x5c /* \ */) [char, i] = decodeAt(text, i);
    else {
      char = text[i]!;
      i++;
    }
    if (char === "\t" || char === "\n" || char === "\r") continue;
    if (scheme === "" && char <= " ") continue;
    if (char === ":") return scheme === "" || allowedSchemes.has(scheme);
    // A scheme is a letter, then letters, digits, `+`, `-`, `.`: anything else makes the URL relative.
    if (!isSchemeChar(char, scheme === "")) return true;
    scheme += char.toLowerCase();
    if (scheme.length > MAX_SCHEME) return false;
  }
  return true;
}

function isSchemeChar(char: string, first: boolean): boolean {
  const code = char.length === 1 ? char.charCodeAt(0) | 0x20 : 0;
  if (code >= 0x61 && code <= 0x7a) return true; // a-z, A-Z
  return !first && /^[0-9+.-]$/.test(char);
}

/** Whether `scheme` (a literal, as in an autolink `<scheme:…>`) is on the allow-list. */
export function allowedScheme(scheme: string): boolean {
  return allowedSchemes.has(scheme.toLowerCase());
}

/** The character at `i` as a renderer decodes it, and where the next one starts. */
function decodeAt(text: string, i: number): [string, number] {
  const char = text[i]!;
  if (char === "\\") {
    const escaped = text[i + 1];
    if (escaped !== undefined && /^[!-/:-@[-`{-~]$/.test(escaped)) return [escaped, i + 2];
    return [char, i + 1];
  }
  if (char !== "&") return [char, i + 1];
  const numeric = /^&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));/.exec(text.slice(i, i + 11));
  if (numeric) {
    const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return [valid ? String.fromCodePoint(code) : "\ufffd", i + numeric[0].length];
  }
  const named = /^&([A-Za-z]{2,8});/.exec(text.slice(i, i + 11));
  const decoded = named ? namedReferences[named[1]!] : undefined;
  return decoded !== undefined ? [decoded, i + named![0].length] : [char, i + 1];
}
