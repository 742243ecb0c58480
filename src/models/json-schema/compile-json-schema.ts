/**
 * Compiles a JSON Schema that someone we do not trust wrote (a tenant's tool
 * schema, a `/v1` `response_format`, an MCP server's tool list) into a zod
 * validator whose work is bounded, whatever the schema and the value:
 *
 * - `pattern` and `patternProperties` run on RE2 (see `safe-pattern.ts`),
 *   never on a backtracking `RegExp`; `format: "regex"` is an annotation and
 *   is never compiled;
 * - the schema is at most `SCHEMA_LIMITS` big and deep;
 * - a value is at most `VALUE_LIMITS.depth` deep, and checking it applies at
 *   most `VALUE_LIMITS.steps` subschemas to its parts;
 * - text longer than `MAX_MATCHED_LENGTH` is refused by a pattern or a
 *   format, not matched.
 *
 * It also refuses what is not a JSON Schema (`type: "banana"`,
 * `properties: 5`) with the path of each problem, so that a broken schema is
 * refused where it is saved rather than on every turn.
 *
 * Why not zod's `z.fromJSONSchema`: it compiles `pattern` into a native
 * `RegExp`, ignores `properties` and the string keywords when `type` is
 * absent, accepts a malformed schema without a word, and has no hook to bound
 * the work. zod still does the validating: this only builds the zod schema.
 *
 * Supported: type (or, without it, the kinds its keywords describe), enum,
 * const, properties, required, additionalProperties, patternProperties,
 * propertyNames, min/maxProperties, items, prefixItems, additionalItems,
 * min/maxItems, uniqueItems, contains, min/maxContains, min/maxLength,
 * pattern, format, minimum, maximum, exclusiveMinimum/Maximum, multipleOf,
 * anyOf, oneOf, allOf, local `$ref` (any JSON pointer into the schema),
 * `$defs`/`definitions`, nullable, default. if/then/else, not,
 * dependentSchemas/dependentRequired/dependencies and unevaluated* are
 * refused: they would silently not hold.
 */
import { z } from "zod";
import { errorMarker, hasErrorMarker, ValidationError } from "../../spec/errors.js";
import { arraySchema, objectSchema } from "./container-schemas.js";
import { compileSafePattern, type SafePattern } from "./safe-pattern.js";
import { numberSchema, stringSchema, valuesSchema } from "./scalar-schemas.js";
import {
  isObject,
  keywordIssues,
  type Path,
  type Schema,
  type TypeName,
  typesOf,
} from "./schema-keywords.js";
import { deeperThan, shapeProblem } from "./value-depth.js";

export type { Path } from "./schema-keywords.js";

export const SCHEMA_LIMITS = {
  /** Characters of the schema as JSON. */
  bytes: 256 * 1024,
  /** Subschemas, all told. */
  nodes: 2_000,
  /** Subschemas nested in one another. */
  depth: 32,
};

export const VALUE_LIMITS = {
  /** Arrays and objects nested in one another. */
  depth: 64,
  /** Subschemas applied to parts of the value in one check. */
  steps: 100_000,
};

export type JsonSchemaCheck =
  | { success: true; data: unknown }
  | { success: false; issues: { path: Path; message: string }[] };

export interface CompiledJsonSchema {
  /** Validates `value` and applies defaults. Never throws. */
  check(value: unknown): JsonSchemaCheck;
}

/**
 * Throws `ValidationError` whose issues have paths inside the schema
 * (`["properties", "a", "type"]`) when it is not a JSON Schema, uses a keyword
 * that would not hold, has a pattern RE2 cannot take, or is over the limits.
 */
export function compileJsonSchema(schema: unknown): CompiledJsonSchema {
  const compiler = new Compiler(normalize(schema));
  const zod = compiler.compile();
  return {
    check(value) {
      const tooDeep = deeperThan(value, VALUE_LIMITS.depth);
      if (tooDeep) {
        return {
          success: false,
          issues: [{ path: tooDeep, message: `nested more than ${VALUE_LIMITS.depth} levels deep` }],
        };
      }
      compiler.steps = VALUE_LIMITS.steps;
      try {
        const result = zod.safeParse(value);
        if (result.success) return { success: true, data: result.data };
        return { success: false, issues: result.error.issues.map(toIssue) };
      } catch (error) {
        if (!OutOfSteps.isInstance(error)) throw error;
        const message = `too large or too nested to check against this schema (over ${VALUE_LIMITS.steps} steps)`;
        return { success: false, issues: [{ path: [], message }] };
      }
    },
  };
}

/**
 * Why `schema` is too big to compile (too deep, too many parts, too long as
 * JSON), or undefined. Cheap and iterative: also for callers that compile a
 * schema their own way (the grammar compiler), before they recurse into it.
 */
export function schemaSizeProblem(schema: unknown): string | undefined {
  const shape = shapeProblem(schema, { depth: 4 * SCHEMA_LIMITS.depth, nodes: SCHEMA_LIMITS.bytes / 4 });
  if (shape) return `the schema ${shape}`;
  let text: string | undefined;
  try {
    text = JSON.stringify(schema);
  } catch {
    // A value JSON has no text for (a BigInt).
  }
  if (text === undefined) return "the schema is not JSON";
  if (text.length > SCHEMA_LIMITS.bytes) return `the schema is larger than ${SCHEMA_LIMITS.bytes / 1024} KiB`;
  return undefined;
}

/** A plain copy of `schema` (no getters, no shared parts), or a refusal. */
function normalize(schema: unknown): unknown {
  const problem = schemaSizeProblem(schema);
  if (problem) fail([[], problem]);
  return JSON.parse(JSON.stringify(schema));
}

function fail(...issues: [Path, string][]): never {
  const [path, message] = issues[0]!;
  const where = path.length > 0 ? ` at ${path.join(".")}` : "";
  throw new ValidationError(
    `not a JSON Schema this server can check${where}: ${message}`,
    issues.map(([p, m]) => ({ path: p, message: m })),
  );
}

const outOfStepsMarker = errorMarker("OutOfSteps");

/** Thrown by a check that used up its steps; caught in `check`, never seen outside this module. */
class OutOfSteps extends Error {
  readonly [outOfStepsMarker] = true;

  static isInstance(value: unknown): value is OutOfSteps {
    return hasErrorMarker(value, outOfStepsMarker);
  }
}

/** Where a compiled subschema allows anything, so that combining keywords need not intersect with it. */
const ANY = z.any();

class Compiler {
  /** Steps left in the current check (`check` sets it; every subschema applied takes one). */
  steps = 0;
  readonly #root: unknown;
  readonly #issues: [Path, string][] = [];
  readonly #compiled = new Map<string, z.ZodType>();
  readonly #compiling = new Set<string>();
  #nodes = 0;

  constructor(root: unknown) {
    this.#root = root;
  }

  compile(): z.ZodType {
    const zod = this.#at([], [], "#");
    // Definitions no reference uses are checked too: a broken one is refused now, not when first used.
    for (const key of ["$defs", "definitions"]) {
      const defs = isObject(this.#root) ? this.#root[key] : undefined;
      for (const name of isObject(defs) ? Object.keys(defs) : []) this.#at([key, name], [key, name], "");
    }
    if (this.#issues.length > 0) fail(...this.#issues);
    return zod;
  }

  #issue(path: Path, message: string): void {
    if (this.#issues.length < 20) this.#issues.push([path, message]);
  }

  #schema(node: unknown, path: Path, depth: number): z.ZodType {
    if (++this.#nodes > SCHEMA_LIMITS.nodes)
      fail([path, `the schema has more than ${SCHEMA_LIMITS.nodes} subschemas`]);
    if (depth > SCHEMA_LIMITS.depth)
      fail([path, `subschemas nested more than ${SCHEMA_LIMITS.depth} levels deep`]);
    if (typeof node === "boolean") return node ? z.any() : z.never();
    if (!isObject(node)) {
      this.#issue(path, "expected a schema: an object, true or false");
      return z.any();
    }
    const wrong = keywordIssues(node, path);
    for (const [at, message] of wrong) this.#issue(at, message);
    if (wrong.length > 0) return z.any();
    let base = this.#base(node, path, depth);
    for (const keyword of ["anyOf", "oneOf", "allOf"] as const) {
      const list = node[keyword] as unknown[] | undefined;
      if (list === undefined) continue;
      const options = list.map((sub, i) => this.#schema(sub, [...path, keyword, i], depth + 1));
      const combined =
        options.length === 1
          ? options[0]!
          : keyword === "allOf"
            ? options.reduce((a, b) => z.intersection(a, b))
            : keyword === "anyOf"
              ? z.union(options)
              : z.xor(options);
      base = base === ANY ? combined : z.intersection(base, combined);
    }
    if (node.nullable === true) base = base.nullable();
    // Every subschema applied is a step of the check: a `$ref` loop under `anyOf`, or a huge value, runs out.
    const counted = z.preprocess((value) => {
      if (--this.steps < 0) throw new OutOfSteps();
      return value;
    }, base);
    return node.default === undefined ? counted : counted.default(node.default as never);
  }

  #base(node: Schema, path: Path, depth: number): z.ZodType {
    if (typeof node.$ref === "string") return this.#ref(node.$ref, [...path, "$ref"]);
    if (Array.isArray(node.enum)) return valuesSchema(node.enum);
    if (node.const !== undefined) return valuesSchema([node.const]);
    const types = typesOf(node);
    if (types === undefined) return ANY;
    const schemas = types.map((type) => this.#typed(node, type, path, depth));
    return schemas.length === 1 ? schemas[0]! : z.union(schemas);
  }

  #typed(node: Schema, type: TypeName, path: Path, depth: number): z.ZodType {
    switch (type) {
      case "string":
        return stringSchema(
          node,
          typeof node.pattern === "string" ? this.#pattern(node.pattern, [...path, "pattern"]) : undefined,
        );
      case "number":
      case "integer":
        return numberSchema(node, type);
      case "boolean":
        return z.boolean();
      case "null":
        return z.null();
      case "object":
        return this.#object(node, path, depth);
      case "array":
        return this.#array(node, path, depth);
    }
  }

  #pattern(source: string, path: Path): SafePattern | undefined {
    try {
      return compileSafePattern(source, path);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      this.#issue(path, error.issues[0]!.message);
      return undefined;
    }
  }

  #object(node: Schema, path: Path, depth: number): z.ZodType {
    const sub = (schema: unknown, ...at: (string | number)[]) =>
      this.#schema(schema, [...path, ...at], depth + 1);
    const properties = (node.properties ?? {}) as Schema;
    const required = new Set((node.required ?? []) as string[]);
    const shape: Record<string, z.ZodType> = {};
    for (const [key, value] of Object.entries(properties)) {
      if (key === "__proto__") {
        this.#issue([...path, "properties", key], 'a property named "__proto__" is not supported');
        continue;
      }
      const schema = sub(value, "properties", key);
      // defineProperty: an own key, whatever its name.
      Object.defineProperty(shape, key, {
        value: required.has(key) ? schema : schema.optional(),
        enumerable: true,
      });
    }
    const patterns: [SafePattern, z.ZodType][] = [];
    for (const [source, value] of Object.entries((node.patternProperties ?? {}) as Schema)) {
      const schema = sub(value, "patternProperties", source);
      const pattern = this.#pattern(source, [...path, "patternProperties", source]);
      if (pattern) patterns.push([pattern, schema]);
    }
    const { additionalProperties: additional, propertyNames: names } = node;
    // Keys are strings: a `propertyNames` without `type` still constrains them as strings.
    const keySchema = isObject(names) && names.type === undefined ? { type: "string", ...names } : names;
    return objectSchema({
      shape,
      patterns,
      additional:
        additional === false
          ? false
          : additional === undefined || additional === true
            ? undefined
            : sub(additional, "additionalProperties"),
      keys: names === undefined || names === true ? undefined : sub(keySchema, "propertyNames"),
      missing: [...required].filter((name) => !Object.hasOwn(properties, name)),
      minProperties: node.minProperties as number | undefined,
      maxProperties: node.maxProperties as number | undefined,
    });
  }

  #array(node: Schema, path: Path, depth: number): z.ZodType {
    const sub = (schema: unknown, ...at: (string | number)[]) =>
      this.#schema(schema, [...path, ...at], depth + 1);
    // A tuple: 2020-12's `prefixItems` then `items`, or draft 7's `items: [...]` then `additionalItems`.
    const tupleKey = Array.isArray(node.prefixItems)
      ? "prefixItems"
      : Array.isArray(node.items)
        ? "items"
        : undefined;
    const restKey = tupleKey === "prefixItems" ? "items" : "additionalItems";
    const rest = node[restKey];
    return arraySchema({
      items: tupleKey
        ? (node[tupleKey] as unknown[]).map((item, i) => sub(item, tupleKey, i))
        : node.items === undefined
          ? z.any()
          : sub(node.items, "items"),
      rest:
        !tupleKey || rest === false
          ? undefined
          : rest === undefined || rest === true
            ? z.any()
            : sub(rest, restKey),
      minItems: node.minItems as number | undefined,
      maxItems: node.maxItems as number | undefined,
      uniqueItems: node.uniqueItems === true,
      contains: node.contains === undefined ? undefined : sub(node.contains, "contains"),
      minContains: (node.minContains as number | undefined) ?? 1,
      maxContains: node.maxContains as number | undefined,
    });
  }

  /** A local reference (`#`, `#/$defs/x`, any JSON pointer into this schema). */
  #ref(ref: string, path: Path): z.ZodType {
    if (ref !== "#" && !ref.startsWith("#/")) {
      this.#issue(
        path,
        `only references inside the schema (#/$defs/name) are supported, not ${JSON.stringify(ref)}`,
      );
      return z.any();
    }
    const segments = ref === "#" ? [] : ref.slice(2).split("/").map(unescapePointer);
    return this.#at(segments, path, ref);
  }

  /** The subschema at `segments` from the root, compiled once however many references lead to it. */
  #at(segments: string[], path: Path, ref: string): z.ZodType {
    const key = JSON.stringify(segments);
    const done = this.#compiled.get(key);
    if (done) return done;
    // A reference back into a schema being compiled (recursion) is resolved when checking.
    if (this.#compiling.has(key)) return z.lazy(() => this.#compiled.get(key) ?? z.any());
    let target: unknown = this.#root;
    for (const segment of segments) {
      const parent = target as Record<string, unknown>;
      target =
        typeof parent === "object" && parent !== null && Object.hasOwn(parent, segment)
          ? parent[segment]
          : undefined;
    }
    if (target === undefined) {
      this.#issue(path, `${JSON.stringify(ref)} points to nothing in this schema`);
      return z.any();
    }
    this.#compiling.add(key);
    const compiled = this.#schema(target, segments, segments.length);
    this.#compiling.delete(key);
    this.#compiled.set(key, compiled);
    return compiled;
  }
}

function toIssue(issue: z.core.$ZodIssue): { path: Path; message: string } {
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const message =
    keys.length > 0
      ? `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`
      : issue.message;
  return { path: issue.path.filter((key): key is string | number => typeof key !== "symbol"), message };
}

function unescapePointer(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Not percent-encoded: taken as it is.
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}
