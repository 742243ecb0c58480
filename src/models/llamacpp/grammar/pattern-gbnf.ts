/**
 * Compiles a JSON Schema `pattern` (an ECMAScript regular expression) into a
 * GBNF expression for the *inside* of a JSON string, so that patterns such as
 * `^LE-\d{4}$` or `^[A-Z]{2}[0-9]{2,3}$` hold during generation instead of
 * being checked afterwards.
 *
 * Supported: literals and escapes (`\d \w \s \D \W \S \. \-`…), character
 * classes with ranges and negation, `.`, groups `( )` and `(?: )`,
 * alternation `|`, quantifiers `? * + {n} {n,} {n,m}` (greedy or lazy), and
 * `^`/`$` at the ends. A pattern without `^` matches anywhere, as JSON Schema
 * says; the grammar then puts the match at the start (allowing less, never
 * more). Without `$`, any characters may follow it. Anything else
 * (backreferences, lookaround, `\b`, unicode properties, flags) returns
 * undefined and the caller rejects the schema with a clear error.
 *
 * Characters that JSON must escape (`"`, `\`, control characters) are emitted
 * in their escaped JSON form for literals and left out of classes and `.`:
 * the grammar may allow less than the regex, never more.
 */
export function patternGbnf(pattern: string): string | undefined {
  try {
    const parser = new Parser(pattern);
    parser.eat("^");
    const body = parser.alternation();
    const anchoredEnd = parser.eat("$");
    if (!parser.done()) return undefined;
    // Unanchored at the start, the match may begin anywhere; the grammar starts the string with it (narrower,
    // and a model cannot wander for ever before the match). Unanchored at the end, anything may follow.
    return anchoredEnd ? `(${body})` : `(${body}) char*`;
  } catch {
    return undefined;
  }
}

class Unsupported extends Error {}

/** Characters safe to appear unescaped inside a JSON string, in a GBNF class. */
const SAFE = "\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E\\u00A0-\\uFFFF";

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.i >= this.src.length;
  }

  eat(c: string): boolean {
    if (this.src[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }

  alternation(): string {
    const branches = [this.sequence()];
    while (this.eat("|")) branches.push(this.sequence());
    return branches.map((b) => `(${b || '""'})`).join(" | ");
  }

  private sequence(): string {
    const parts: string[] = [];
    while (!this.done() && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      if (this.src[this.i] === "$" && this.i === this.src.length - 1) break;
      parts.push(this.quantified(this.atom()));
    }
    return parts.join(" ");
  }

  private atom(): string {
    const c = this.src[this.i++]!;
    if (c === "(") {
      if (this.src.startsWith("?:", this.i)) this.i += 2;
      else if (this.src[this.i] === "?") throw new Unsupported("lookaround or named group");
      const inner = this.alternation();
      if (!this.eat(")")) throw new Unsupported("unclosed group");
      return `(${inner})`;
    }
    if (c === "[") return this.charClass();
    if (c === ".") return `[${SAFE}]`;
    if (c === "\\") return this.escape(false);
    if ("*+?{}^$)".includes(c)) throw new Unsupported(`unexpected ${c}`);
    return literal(c);
  }

  private quantified(atom: string): string {
    const c = this.src[this.i];
    let suffix = "";
    if (c === "?" || c === "*" || c === "+") {
      this.i++;
      suffix = c;
    } else if (c === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!match) throw new Unsupported("bad repetition");
      this.i += match[0].length;
      const min = Number(match[1]);
      const max = match[2] === undefined ? min : match[3] === "" ? undefined : Number(match[3]);
      if (max !== undefined && max < min) throw new Unsupported("repetition maximum below its minimum");
      suffix = max === undefined ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
    }
    if (suffix) this.eat("?"); // lazy or greedy: the same strings
    return suffix ? `(${atom})${suffix}` : atom;
  }

  private charClass(): string {
    const negated = this.eat("^");
    const items: string[] = [];
    let first = true;
    while (this.src[this.i] !== "]" || first) {
      if (this.done()) throw new Unsupported("unclosed class");
      first = false;
      let from = this.src[this.i++]!;
      if (from === "\\") {
        const escaped = this.escape(true);
        if (escaped.startsWith("[")) {
          items.push(escaped.slice(1, -1));
          continue;
        }
        from = escaped;
      }
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]") {
        this.i++;
        let to = this.src[this.i++]!;
        if (to === "\\") to = this.escape(true);
        items.push(`${classChar(from)}-${classChar(to)}`);
      } else items.push(classChar(from));
    }
    this.i++;
    const body = items.join("");
    // A negated class excludes what JSON must escape, too.
    return negated ? `[^${body}"\\\\\\x00-\\x1F\\x7F]` : `[${body}]`;
  }

  /** After a backslash: a class (`[0-9]`) or, inside a class, the plain character. */
  private escape(inClass: boolean): string {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unsupported("trailing backslash");
    const classes: Record<string, string> = {
      d: "[0-9]",
      w: "[a-zA-Z0-9_]",
      s: "[ ]",
      D: `[^0-9"\\\\\\x00-\\x1F\\x7F]`,
      W: `[^a-zA-Z0-9_"\\\\\\x00-\\x1F\\x7F]`,
      S: `[${SAFE}]`,
    };
    if (classes[c]) return classes[c]!;
    if (/[bBkpPu0-9xcnrtfv]/.test(c)) throw new Unsupported(`\\${c}`);
    return inClass ? c : literal(c);
  }
}

/** A literal character as it appears inside a JSON string. */
function literal(c: string): string {
  if (c === '"') return '"\\\\\\""';
  if (c === "\\") return '"\\\\\\\\"';
  return JSON.stringify(c);
}

function classChar(c: string): string {
  if (c === '"' || c === "\\" || c.charCodeAt(0) < 0x20)
    throw new Unsupported("JSON-escaped character in a class");
  return c === "]" || c === "[" || c === "^" || c === "-" ? `\\${c}` : c;
}
