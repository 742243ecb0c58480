import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../spec/errors.js";

/**
 * Reads a YAML (or JSON: YAML is a superset) file and validates it with a zod
 * schema. Throws ConfigError naming the file, the line and column, the key
 * path and what was expected: for broken syntax (the first error), and for
 * every unknown key or value of the wrong shape (all of them, one a line);
 * and, naming the file, for aliases that expand too far.
 */
export function readYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  what: { topLevel: string; hint: string },
): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ConfigError(`cannot read the file (${(cause as Error).message})`, { location: file, cause });
  }
  return parseYamlText(text, file, schema, what);
}

/**
 * The yaml package, loaded on the first file read rather than at import (~65 ms of CPU): `serve` on a data folder
 * without `alambique.yaml` reads no YAML at all. Its CommonJS build, the same one `import` gets under Node.
 */
let yaml: typeof Yaml | undefined;
function loadYaml(): typeof Yaml {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return yaml;
}

/** How many anchored values aliases may copy in one document (yaml's own default). */
const MAX_ALIAS_COUNT = 100;

/** As `readYamlFile`, for text already in memory (an upload); `file` names it in errors. */
export function parseYamlText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  what: { topLevel: string; hint: string },
): z.infer<S> {
  const { LineCounter, parseDocument } = loadYaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lines.linePos(syntax.pos[0]);
    throw new ConfigError(`invalid YAML at line ${at.line}, column ${at.col}: ${firstLine(syntax.message)}`, {
      location: file,
      hint: "fix the YAML syntax at that position (indentation, a missing colon, an unclosed quote)",
      cause: syntax,
    });
  }
  let raw: unknown;
  try {
    // yaml counts how far aliases expand and throws past `maxAliasCount`: a few lines of anchors
    // referring to anchors (an alias bomb) would otherwise expand to gigabytes.
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    if (!/alias/i.test(reason)) {
      throw new ConfigError(`cannot be read as data: ${firstLine(reason)}`, { location: file, cause });
    }
    throw new ConfigError(
      `its aliases (*name) expand too far: more than ${MAX_ALIAS_COUNT} copies of anchored values, as an alias bomb does`,
      { location: file, hint: "write the values out instead of repeating *aliases", cause },
    );
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`expected ${what.topLevel} at the top level`, { location: file, hint: what.hint });
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Every problem at once, each with its line: a file with three mistakes is fixed in one run, not three.
  const problems = parsed.error.issues.map((issue) => describeIssue(doc, lines, issue));
  const message =
    problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join("\n  ")}`;
  throw new ConfigError(message, { location: file, hint: what.hint });
}

/** `line 3, column 1: tools.0.url: expected an http:// or https:// URL`. */
function describeIssue(doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): string {
  const path = [...issue.path] as (string | number)[];
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const range = rangeAt(doc, keys.length > 0 ? [...path, keys[0]!] : path);
  const where = range ? lines.linePos(range[0]) : undefined;
  const keyPath = [...path, ...keys.slice(0, 1)].join(".") || "(top level)";
  const position = where ? `line ${where.line}, column ${where.col}: ` : "";
  const message =
    issue.code === "unrecognized_keys"
      ? `unknown key ${keys.map((k) => `"${k}"`).join(", ")}${path.length ? ` in ${path.join(".")}` : ""}`
      : issue.message;
  return `${position}${keyPath}: ${message}`;
}

/**
 * The source range of the deepest part of `path` present in the document: the
 * key of a mapping entry (a person looks for the key, not the value) or the
 * item of a sequence. Falls back to the whole document.
 */
function rangeAt(doc: Document, path: (string | number)[]): [number, number, number] | null | undefined {
  const { isMap, isNode, isScalar, isSeq } = loadYaml();
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair && isNode(pair.key)) return pair.key.range;
    } else if (isSeq(parent) && typeof last === "number") {
      const item = parent.items[last];
      if (isNode(item)) return item.range;
    }
  }
  return isNode(doc.contents) ? doc.contents.range : undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
