import { errorMarker, hasErrorMarker } from "../../../spec/errors.js";
import { MAX_PATTERN_LENGTH } from "../../json-schema/safe-pattern.js";
import {
  ALL,
  type CharRanges,
  char,
  complement,
  DIGIT,
  DOT,
  intersects,
  NONE,
  SPACE,
  union,
  WORD,
} from "./char-ranges.js";

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
 * (backreferences, lookaround, `\b`, unicode properties, flags) is refused.
 *
 * Also refused, because llama.cpp's grammar sampler follows every way a
 * grammar can match so far, and an ambiguous repetition multiplies those ways
 * with every character (measured on a forged model: 64 tokens of
 * `^((a+){10}){10}$` took 125 s, `^(a+){100}$` 152 s, `^(a{1,3}){100}$`
 * 293 s, while the sampler waited for nothing else):
 *
 * - a repeated part (`*`, `+`, `{n,m}` with m > 1) that can match the empty
 *   string, or that, where one repetition may end, could go on with a
 *   character the next one may start with: `(a+)+`, `(a|aa)*`, `(\w+\s?)*`,
 *   `(a{1,3}){100}`. Repetitions with a clear boundary stay allowed:
 *   `(-[a-z0-9]+)*`, `([a-z]+\.)+`, `(\d{3}-){2}`;
 * - more than `MAX_AMBIGUOUS_JOINS` places where consecutive parts overlap
 *   (`[a-z]*[a-z]*…`), and repetitions that expand past `MAX_EXPANSION`
 *   copies of their atoms.
 *
 * Characters that JSON must escape (`"`, `\`, control characters) are emitted
 * in their escaped JSON form for literals and left out of classes and `.`:
 * the grammar may allow less than the regex, never more.
 */
export function patternGbnf(pattern: string): PatternGbnf {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  try {
    const parser = new Parser(pattern);
    parser.eat("^");
    const body = parser.alternation(0);
    const anchoredEnd = parser.eat("$");
    if (!parser.done()) throw new Unsupported(`has an unexpected "${pattern[parser.position]}"`);
    // Unanchored at the start, the match may begin anywhere; the grammar starts the string with it (narrower,
    // and a model cannot wander for ever before the match). Unanchored at the end, anything may follow.
    return { ok: true, gbnf: anchoredEnd ? `(${body.gbnf})` : `(${body.gbnf}) char*` };
  } catch (error) {
    if (Unsupported.isInstance(error)) return { ok: false, reason: error.message };
    throw error;
  }
}

export type PatternGbnf = { ok: true; gbnf: string } | { ok: false; reason: string };

/** The most atoms a pattern may expand to once its counted repetitions are written out. */
export const MAX_EXPANSION = 1000;
/**
 * Joins in a sequence where the part before may go on with a character the
 * part after may begin with (`[a-z]+[a-z0-9]*`). Each is one more way to
 * split the text; measured on a forged model, 64 tokens took 0.24 s with 9
 * such joins, 2.7 s with 20, 120 s with 40.
 */
export const MAX_AMBIGUOUS_JOINS = 8;
/** Groups nested in one another. */
const MAX_NESTING = 32;

const unsupportedMarker = errorMarker("UnsupportedPattern");

/** A part of the pattern the grammar cannot express; caught in `patternGbnf`, never seen outside this module. */
class Unsupported extends Error {
  readonly [unsupportedMarker] = true;

  static isInstance(value: unknown): value is Unsupported {
    return hasErrorMarker(value, unsupportedMarker);
  }
}

const FEATURES = "(backreferences, lookaround, \\b, unicode classes, flags are not supported)";

/** What a part of the pattern compiles to, and what the ambiguity check needs to know of it. */
interface Part {
  gbnf: string;
  /** Characters a non-empty match can start with. */
  first: CharRanges;
  /** Characters that could extend a match at a point where it could also have ended. */
  tail: CharRanges;
  /** Every character it can match. */
  chars: CharRanges;
  nullable: boolean;
  minWidth: number;
  maxWidth: number;
  /** Atoms once counted repetitions are written out. */
  size: number;
}

function atomPart(gbnf: string, set: CharRanges): Part {
  return { gbnf, first: set, tail: NONE, chars: set, nullable: false, minWidth: 1, maxWidth: 1, size: 1 };
}

/** Characters safe to appear unescaped inside a JSON string, in a GBNF class. */
const SAFE = "\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E\\u00A0-\\uFFFF";

class Parser {
  position = 0;
  #ambiguous = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.position >= this.src.length;
  }

  eat(c: string): boolean {
    if (this.src[this.position] === c) {
      this.position++;
      return true;
    }
    return false;
  }

  alternation(depth: number): Part {
    if (depth > MAX_NESTING) throw new Unsupported(`nests groups more than ${MAX_NESTING} deep`);
    const branches = [this.sequence(depth)];
    while (this.eat("|")) branches.push(this.sequence(depth));
    if (branches.length === 1) return { ...branches[0]!, gbnf: `(${branches[0]!.gbnf || '""'})` };
    const minWidth = Math.min(...branches.map((b) => b.minWidth));
    const maxWidth = Math.max(...branches.map((b) => b.maxWidth));
    const chars = union(...branches.map((b) => b.chars));
    return {
      gbnf: branches.map((b) => `(${b.gbnf || '""'})`).join(" | "),
      first: union(...branches.map((b) => b.first)),
      // Branches of different widths (`a|aa`): one can end where another goes on.
      tail: union(...branches.map((b) => b.tail), minWidth === maxWidth ? NONE : chars),
      chars,
      nullable: branches.some((b) => b.nullable),
      minWidth,
      maxWidth,
      size: branches.reduce((sum, b) => sum + b.size, 0),
    };
  }

  private sequence(depth: number): Part {
    let part: Part = {
      gbnf: "",
      first: NONE,
      tail: NONE,
      chars: NONE,
      nullable: true,
      minWidth: 0,
      maxWidth: 0,
      size: 0,
    };
    while (!this.done() && this.src[this.position] !== "|" && this.src[this.position] !== ")") {
      if (this.src[this.position] === "$" && this.position === this.src.length - 1) break;
      const next = this.quantified(this.atom(depth));
      if (part.gbnf && intersects(part.tail, next.first) && ++this.#ambiguous > MAX_AMBIGUOUS_JOINS) {
        throw new Unsupported(
          `has more than ${MAX_AMBIGUOUS_JOINS} places where one part may go on or the next begin with the same character ` +
            '(as in "[a-z]*[a-z]*…"): llama.cpp\'s grammar sampler would follow every split and slow to a stall',
        );
      }
      part = {
        gbnf: part.gbnf ? `${part.gbnf} ${next.gbnf}` : next.gbnf,
        first: part.nullable ? union(part.first, next.first) : part.first,
        tail: union(
          next.tail,
          // The next part may be absent: the prefix goes on, or the next part starts.
          next.nullable ? union(part.tail, next.first) : NONE,
          // The prefix can take in what the next part matched (`.*a`: "a" then "aa"): it goes on too.
          intersects(part.tail, next.chars) ? union(part.tail, next.chars) : NONE,
        ),
        chars: union(part.chars, next.chars),
        nullable: part.nullable && next.nullable,
        minWidth: part.minWidth + next.minWidth,
        maxWidth: part.maxWidth + next.maxWidth,
        size: part.size + next.size,
      };
    }
    return part;
  }

  private atom(depth: number): Part & { start: number } {
    const start = this.position;
    const c = this.src[this.position++]!;
    if (c === "(") {
      if (this.src.startsWith("?:", this.position)) this.position += 2;
      else if (this.src[this.position] === "?")
        throw new Unsupported(`uses a lookaround or a named group ${FEATURES}`);
      const inner = this.alternation(depth + 1);
      if (!this.eat(")")) throw new Unsupported("has a group that is never closed");
      return { ...inner, gbnf: `(${inner.gbnf})`, start };
    }
    if (c === "[") return { ...this.charClass(), start };
    if (c === ".") return { ...atomPart(`[${SAFE}]`, DOT), start };
    if (c === "\\") return { ...this.escape(), start };
    if ("*+?{}^$)".includes(c)) throw new Unsupported(`has an unexpected "${c}"`);
    return { ...atomPart(literal(c), char(c)), start };
  }

  private quantified(atom: Part & { start: number }): Part {
    const c = this.src[this.position];
    let min = 1;
    let max = 1;
    let suffix = "";
    if (c === "?" || c === "*" || c === "+") {
      this.position++;
      suffix = c;
      [min, max] = c === "?" ? [0, 1] : c === "*" ? [0, Infinity] : [1, Infinity];
    } else if (c === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.position));
      if (!match) throw new Unsupported("has a repetition {…} that is not {n}, {n,} or {n,m}");
      this.position += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
      if (max < min) throw new Unsupported("has a repetition whose maximum is below its minimum");
      suffix = max === Infinity ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
    }
    if (!suffix) return atom;
    this.eat("?"); // lazy or greedy: the same strings
    const text = this.src.slice(atom.start, this.position);
    if (max > 1 && (atom.nullable || intersects(atom.tail, atom.first))) {
      throw new Unsupported(
        `repeats "${text}", a part that can match the same text in more than one way (nested or overlapping quantifiers): ` +
          "llama.cpp's grammar sampler would follow every way and stall; make where each repetition ends clear, " +
          'e.g. "(-[a-z]+)*" rather than "(a+)+", or check the pattern after generation instead',
      );
    }
    const size = atom.size * Math.max(min, max === Infinity ? 1 : max, 1);
    if (size > MAX_EXPANSION) {
      throw new Unsupported(
        `repeats "${text}" into more than ${MAX_EXPANSION} grammar atoms; use smaller counts`,
      );
    }
    return {
      gbnf: `(${atom.gbnf})${suffix}`,
      first: atom.first,
      tail: max > min ? union(atom.tail, atom.first) : atom.tail,
      chars: atom.chars,
      nullable: min === 0 || atom.nullable,
      minWidth: atom.minWidth * min,
      maxWidth: atom.maxWidth * max,
      size,
    };
  }

  private charClass(): Part {
    const negated = this.eat("^");
    const items: string[] = [];
    let set: CharRanges = NONE;
    let first = true;
    while (this.src[this.position] !== "]" || first) {
      if (this.done()) throw new Unsupported("has a class [… that is never closed");
      first = false;
      let from = this.src[this.position++]!;
      if (from === "\\") {
        const escaped = this.escape(true);
        if (escaped.gbnf.startsWith("[")) {
          items.push(escaped.gbnf.slice(1, -1));
          set = union(set, escaped.chars);
          continue;
        }
        from = escaped.gbnf;
      }
      if (this.src[this.position] === "-" && this.src[this.position + 1] !== "]") {
        this.position++;
        let to = this.src[this.position++]!;
        if (to === "\\") to = this.escape(true).gbnf;
        items.push(`${classChar(from)}-${classChar(to)}`);
        set = union(set, [[from.charCodeAt(0), to.charCodeAt(0)]]);
      } else {
        items.push(classChar(from));
        set = union(set, char(from));
      }
    }
    this.position++;
    const body = items.join("");
    // A negated class excludes what JSON must escape, too.
    return negated
      ? atomPart(`[^${body}"\\\\\\x00-\\x1F\\x7F]`, complement(set))
      : atomPart(`[${body}]`, set);
  }

  /** After a backslash: a class (`[0-9]`) or, inside a class, the plain character (as `gbnf`). */
  private escape(inClass = false): Part {
    const c = this.src[this.position++];
    if (c === undefined) throw new Unsupported("ends with a lone backslash");
    const classes: Record<string, [string, CharRanges]> = {
      d: ["[0-9]", DIGIT],
      w: ["[a-zA-Z0-9_]", WORD],
      s: ["[ ]", SPACE],
      D: [`[^0-9"\\\\\\x00-\\x1F\\x7F]`, complement(DIGIT)],
      W: [`[^a-zA-Z0-9_"\\\\\\x00-\\x1F\\x7F]`, complement(WORD)],
      S: [`[${SAFE}]`, ALL],
    };
    const known = classes[c];
    if (known) return atomPart(known[0], known[1]);
    if (/[bBkpPu0-9xcnrtfv]/.test(c)) throw new Unsupported(`uses \\${c} ${FEATURES}`);
    return atomPart(inClass ? c : literal(c), char(c));
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
    throw new Unsupported(
      "has a JSON-escaped character (a quote, a backslash, a control character) in a class",
    );
  return c === "]" || c === "[" || c === "^" || c === "-" ? `\\${c}` : c;
}
