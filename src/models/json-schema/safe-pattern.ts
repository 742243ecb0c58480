/**
 * Regular expressions written by someone we do not trust — a tenant's tool
 * schema, a `response_format` sent to `/v1`, an MCP server's tool list — run
 * on RE2 (`re2js`), whose matching time is linear in the text, never on
 * JavaScript's backtracking `RegExp`: there `^(a+)+$` against 34 `a`s and a
 * `!` blocks the event loop for hours, and with it every request, `/healthz`
 * and SIGTERM.
 *
 * Patterns are ECMAScript's, as JSON Schema says, read by RE2: the syntax
 * JSON Schemas use (classes, `\d \w \s \b`, groups, named groups, `|`,
 * `? * + {n,m}`, lazy quantifiers, `^ $`, `\uXXXX`) means the same. RE2 has
 * no backreferences and no lookaround — they need backtracking — so a
 * pattern with either is refused, with its path, when it is saved. Small
 * differences remain: `.` matches `\r`, `\s` is ASCII whitespace.
 */
import { RE2JS } from "re2js";
import { ValidationError, type ValidationIssue } from "../../spec/errors.js";

/** The longest pattern accepted (characters): enough for any real one, and bounds compiling. */
export const MAX_PATTERN_LENGTH = 1000;
/** The longest text matched against a pattern (characters); longer text is refused, not cut. */
export const MAX_MATCHED_LENGTH = 100_000;

export interface SafePattern {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (not anchored, as JSON Schema says). Linear time. */
  test(text: string): boolean;
}

const cache = new Map<string, SafePattern | string>();
const CACHE_SIZE = 500;

/**
 * Compiles an untrusted pattern. Throws `ValidationError` whose issue has
 * `path` (where the pattern sits, e.g. `["properties", "code", "pattern"]`)
 * and says why: a backreference, a lookaround, too long, or not a valid
 * regular expression.
 */
export function compileSafePattern(source: string, path: ValidationIssue["path"] = []): SafePattern {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    compiled = compile(source);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(source, compiled);
  }
  if (typeof compiled === "string") {
    throw new ValidationError(
      `the pattern ${JSON.stringify(clip(source))} ${compiled}`,
      [{ path, message: compiled }],
      HINT,
    );
  }
  return compiled;
}

const HINT =
  "Patterns are checked by a linear-time engine (RE2): write them without backreferences (\\1, \\k<name>) " +
  "and lookaround ((?=…), (?!…), (?<=…), (?<!…)).";

/** A compiled pattern, or why it is refused. */
function compile(source: string): SafePattern | string {
  if (source.length > MAX_PATTERN_LENGTH) {
    return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  }
  let translated: string;
  try {
    translated = toRe2Syntax(source);
  } catch (error) {
    return (error as Error).message;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated);
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return `is not a regular expression this server can check: ${reason}`;
  }
  return { source, test: (text) => re.test(text) };
}

/**
 * ECMAScript escapes RE2 spells differently (`\uXXXX`, `\u{X}`, `\cX`), and
 * the features it lacks named plainly (RE2's own message for `(?=` is
 * "invalid or unsupported Perl syntax").
 */
function toRe2Syntax(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) return out + c; // RE2 reports the trailing backslash
      const unicode = /^u([0-9a-fA-F]{4})|^u\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 1));
      if (unicode) {
        let code = Number.parseInt(unicode[1] ?? unicode[2]!, 16);
        let length = unicode[0].length;
        const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(source.slice(i + 1 + length));
        if (code >= 0xd800 && code <= 0xdbff && low) {
          code = 0x10000 + ((code - 0xd800) << 10) + (Number.parseInt(low[1]!, 16) - 0xdc00);
          length += low[0].length;
        }
        out += `\\x{${code.toString(16)}}`;
        i += length;
        continue;
      }
      if (next === "c" && /[a-zA-Z]/.test(source[i + 2] ?? "")) {
        out += `\\x{${(source.charCodeAt(i + 2) % 32).toString(16)}}`;
        i += 2;
        continue;
      }
      if (!inClass && (/[1-9]/.test(next) || (next === "k" && source[i + 2] === "<"))) {
        throw new Error(`uses a backreference (\\${next}…), which a linear-time engine cannot check`);
      }
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      // ECMAScript's `[]` matches nothing and `[^]` anything; in RE2 (as in POSIX) a `]` first is a literal.
      if (source.startsWith("[]", i) || source.startsWith("[^]", i)) {
        out += source[i + 1] === "^" ? "[\\x00-\\x{10FFFF}]" : "[^\\x00-\\x{10FFFF}]";
        i += source[i + 1] === "^" ? 2 : 1;
        continue;
      }
      inClass = true;
      const negated = source[i + 1] === "^";
      out += negated ? "[^" : "[";
      if (negated) i++;
      continue;
    } else if (c === "(" && /^\?(=|!|<=|<!)/.test(source.slice(i + 1))) {
      throw new Error(
        `uses a lookaround (${source.slice(i, i + (source[i + 2] === "<" ? 4 : 3))}…), which a linear-time engine cannot check`,
      );
    }
    out += c;
  }
  return out;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
