/**
 * Just enough of PDF's object syntax to read stream dictionaries: names
 * (with `#xx` escapes), numbers, references, arrays and dictionaries.
 * Strings are skipped (their content is never needed here); anything else
 * reads as `other`. Works on a latin1 string of the file's bytes.
 */
export type PdfValue =
  | { kind: "name"; name: string }
  | { kind: "number"; value: number }
  | { kind: "ref"; num: number; gen: number }
  | { kind: "array"; items: PdfValue[] }
  | { kind: "dict"; entries: Map<string, PdfValue> }
  | { kind: "other" };

const whitespace = new Set([0, 9, 10, 12, 13, 32]);
const delimiters = new Set("()<>[]{}/%".split("").map((c) => c.charCodeAt(0)));
/** Nesting deeper than this is not a dictionary a stream needs: read as `other`, bounding the recursion. */
const maxNesting = 32;

/** Reads one value at `text[at]`; `end` is where it stopped. */
export class PdfObjectReader {
  pos: number;

  constructor(
    private readonly text: string,
    at: number,
  ) {
    this.pos = at;
  }

  skipSpace(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (whitespace.has(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < text.length && text[this.pos] !== "\n" && text[this.pos] !== "\r") this.pos++;
      } else break;
    }
  }

  read(depth = 0): PdfValue {
    this.skipSpace();
    const { text } = this;
    const c = text[this.pos];
    if (c === undefined) return { kind: "other" };
    if (c === "/") return { kind: "name", name: this.#name() };
    if (c === "<" && text[this.pos + 1] === "<") {
      this.pos += 2;
      const entries = new Map<string, PdfValue>();
      for (;;) {
        this.skipSpace();
        if (this.pos >= text.length) break;
        if (text.startsWith(">>", this.pos)) {
          this.pos += 2;
          break;
        }
        if (text[this.pos] !== "/") {
          this.#skipToken();
          continue;
        }
        const key = this.#name();
        const value = depth < maxNesting ? this.read(depth + 1) : this.#skipValue();
        entries.set(key, value);
      }
      return { kind: "dict", entries };
    }
    if (c === "[") {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.pos >= text.length) break;
        if (text[this.pos] === "]") {
          this.pos++;
          break;
        }
        items.push(depth < maxNesting ? this.read(depth + 1) : this.#skipValue());
      }
      return { kind: "array", items };
    }
    if (c === "(") {
      this.#skipString();
      return { kind: "other" };
    }
    if (c === "<") {
      const close = text.indexOf(">", this.pos);
      this.pos = close === -1 ? text.length : close + 1;
      return { kind: "other" };
    }
    const number = /^[+-]?(\d+\.?\d*|\.\d+)/.exec(text.slice(this.pos, this.pos + 32));
    if (number) {
      this.pos += number[0].length;
      const value = Number(number[1]);
      // `N G R`: a reference.
      const ref = /^[\0\t\n\f\r ]+(\d+)[\0\t\n\f\r ]+R(?![^\0\t\n\f\r ()<>[\]{}/%])/.exec(
        text.slice(this.pos, this.pos + 32),
      );
      if (ref && Number.isInteger(value) && !number[0].startsWith("+") && !number[0].startsWith("-")) {
        this.pos += ref[0].length;
        return { kind: "ref", num: value, gen: Number(ref[1]) };
      }
      return { kind: "number", value };
    }
    this.#skipToken();
    return { kind: "other" };
  }

  #name(): string {
    const { text } = this;
    let at = this.pos + 1;
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (whitespace.has(c) || delimiters.has(c)) break;
      at++;
    }
    const raw = text.slice(this.pos + 1, at);
    this.pos = at;
    return raw.includes("#")
      ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      : raw;
  }

  #skipString(): void {
    const { text } = this;
    let depth = 0;
    while (this.pos < text.length) {
      const c = text[this.pos++];
      if (c === "\\") this.pos++;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return;
    }
  }

  #skipToken(): void {
    const { text } = this;
    const start = this.pos;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (whitespace.has(c) || delimiters.has(c)) break;
      this.pos++;
    }
    if (this.pos === start) this.pos++;
  }

  /** Past a value nested too deep, without building it. */
  #skipValue(): PdfValue {
    const { text } = this;
    let depth = 0;
    do {
      this.skipSpace();
      if (this.pos >= text.length) break;
      if (text.startsWith("<<", this.pos) || text[this.pos] === "[") {
        depth++;
        this.pos += text[this.pos] === "[" ? 1 : 2;
      } else if (text.startsWith(">>", this.pos) || text[this.pos] === "]") {
        depth--;
        this.pos += text[this.pos] === "]" ? 1 : 2;
      } else if (text[this.pos] === "(") this.#skipString();
      else this.#skipToken();
    } while (depth > 0);
    return { kind: "other" };
  }
}

/** The names of a `/Filter`-like value: one name, or an array of names (others are left out). */
export function namesOf(value: PdfValue | undefined): string[] | undefined {
  if (value === undefined) return [];
  if (value.kind === "name") return [value.name];
  if (value.kind === "array" && value.items.every((item) => item.kind === "name")) {
    return value.items.map((item) => (item as { name: string }).name);
  }
  return undefined;
}
