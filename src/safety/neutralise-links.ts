import { allowedDestination } from "./link-destination.js";

/**
 * Markdown links whose destination is not allowed (see `allowedDestination`)
 * become their text: `[pulsa](javascript:alert(1))` → `pulsa`,
 * `![logo](data:…)` → `logo`; a reference definition with such a destination
 * (`[x]: javascript:…`) loses it (the rest of its line). Allowed links are left
 * as they are.
 *
 * Brackets are paired as they come, the way a renderer pairs them; and since
 * removing a link can put a `]` before the next `(`, a destination is checked
 * wherever a `(` or `:` follows a `]` of the output, not only of the input.
 * Linear: the output is a stack of pieces, each pushed and popped at most once.
 */
export function neutraliseLinks(text: string): string {
  const out: string[] = [];
  /** For each `]` piece (by index in `out`), the index of its `[` piece, or -1. */
  const openOf: number[] = [];
  const opens: number[] = [];
  let from = 0;
  const flush = (to: number) => {
    if (to > from) out.push(text.slice(from, to));
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "[") {
      const image = text[i - 1] === "!" && i - 1 >= from;
      flush(image ? i - 1 : i);
      if (image) out.push("!");
      opens.push(out.length);
      out.push("[");
      from = i + 1;
    } else if (char === "]") {
      flush(i);
      openOf[out.length] = opens.pop() ?? -1;
      out.push("]");
      from = i + 1;
    } else if ((char === "(" || char === ":") && from === i && out.at(-1) === "]") {
      const end = char === "(" ? refusedInlineLinkEnd(text, i) : refusedDefinitionEnd(text, i);
      if (end === undefined) continue;
      if (char === "(") dropLink(out, openOf);
      from = end;
      i = end - 1;
    }
  }
  flush(text.length);
  return out.join("");
}

/** Pops the link's `]` and removes its `[` (and an image's `!`), leaving its text. */
function dropLink(out: string[], openOf: number[]): void {
  const open = openOf[out.length - 1] ?? -1;
  out.pop();
  if (open >= 0) {
    out[open] = "";
    if (out[open - 1] === "!") out[open - 1] = "";
  }
  // Emptied pieces at the end go, so that `out.at(-1)` is always the real last piece.
  while (out.length > 0 && out.at(-1) === "") out.pop();
}

/** Where a destination starts after `(` or `]:`: past spaces, at most one line break, and an optional `<`. */
export function destinationStart(text: string, from: number): number {
  const i = skipSpace(text, from);
  return text[i] === "<" ? i + 1 : i;
}

/** Past spaces and tabs, and at most one line break (as between the parts of a link). */
function skipSpace(text: string, from: number): number {
  let i = from;
  for (let breaks = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\n" ? breaks++ > 0 : char !== " " && char !== "\t" && char !== "\r") break;
  }
  return i;
}

/**
 * For `(` at `paren` after a `]`: undefined when the destination is allowed,
 * else where the link ends — after its `)` (past the destination and an
 * optional title), or after the destination when there is no `)`.
 */
function refusedInlineLinkEnd(text: string, paren: number): number | undefined {
  const start = destinationStart(text, paren + 1);
  if (allowedDestination(text, start)) return undefined;
  let i = start;
  if (text[start - 1] === "<") {
    while (i < text.length && text[i] !== ">" && text[i] !== "\n") i++;
    if (text[i] === ">") i++;
  } else {
    for (let depth = 0; i < text.length; i++) {
      const char = text[i]!;
      if (char <= " ") break;
      if (char === "(") depth++;
      else if (char === ")" && depth-- === 0) break;
    }
  }
  const destinationEnd = i;
  i = skipSpace(text, i);
  const quote = { '"': '"', "'": "'", "(": ")" }[text[i] ?? ""];
  if (quote !== undefined) {
    let close = i + 1;
    while (close < text.length && close - i <= MAX_TITLE && text[close] !== quote) close++;
    if (text[close] === quote) i = skipSpace(text, close + 1);
  }
  return text[i] === ")" ? i + 1 : destinationEnd;
}

/** For `:` after a `]`: undefined when what follows is an allowed destination, else the end of its line. */
function refusedDefinitionEnd(text: string, colon: number): number | undefined {
  const start = destinationStart(text, colon + 1);
  if (allowedDestination(text, start)) return undefined;
  const end = text.indexOf("\n", start);
  return end === -1 ? text.length : end;
}

/** Longest link title looked for, in characters. */
const MAX_TITLE = 512;
