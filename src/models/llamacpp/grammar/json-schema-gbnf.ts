import { ValidationError } from "../../../spec/errors.js";
import { schemaSizeProblem } from "../../json-schema/compile-json-schema.js";
import { arrayGbnf, type GbnfContext, mapGbnf } from "./container-gbnf.js";
import {
  ANNOTATIONS,
  ARRAY_KEYWORDS,
  BASE_DEPENDENCIES,
  BASE_RULES,
  COMBINATORS,
  jsonLiteral,
  NUMBER_KEYWORDS,
  OBJECT_KEYWORDS,
  type Path,
  pointer,
  type Schema,
  STRING_KEYWORDS,
  UNSUPPORTED,
} from "./gbnf-base.js";
import type { JsonSchemaDefinition } from "./json-schema.js";
import { numberGbnf, stringGbnf } from "./scalar-gbnf.js";

/**
 * Compiles JSON Schemas into one GBNF grammar whose every sentence is compact
 * JSON that validates against the schema. The grammar only narrows: where the
 * schema allows a choice (optional properties, any number of extra items) the
 * grammar may allow fewer, never more.
 *
 * Why our own compiler rather than node-llama-cpp's `createGrammarForJsonSchema`:
 * that one ignores keywords it does not know (so `minimum` or `pattern` would
 * silently not hold), has no `anyOf` (zod's `.nullable()` and unions emit it),
 * and lets an `integer` end in an exponent such as `1e-5`. Here every keyword
 * that constrains a value is either honoured or rejected with a `ValidationError`
 * that names the keyword and where it is.
 *
 * Output is compact (no whitespace), which also stops a model from padding
 * forever with spaces or newlines.
 */

export class JsonSchemaGbnf {
  readonly #rules = new Map<string, string>();
  readonly #named = new Map<object, string>();
  readonly #used = new Set<string>();
  #root: Schema = {};
  #rootRule = "";
  #defs: Record<string, JsonSchemaDefinition> = {};
  #label = "";
  readonly #context: GbnfContext = {
    valueRef: (schema, path, hint) => this.#valueRef(schema, path, hint),
    fail: (path, message) => this.#fail(path, message),
  };

  /**
   * Adds `schema` to the grammar and returns the rule name that matches its
   * values. `label` names the document in errors ("tool get_weather").
   * Throws `ValidationError` for a keyword the grammar cannot honour.
   */
  add(schema: JsonSchemaDefinition, label: string): string {
    this.#label = label;
    // The schema may be a caller's: its size is checked before the compiler recurses into it.
    const tooBig = schemaSizeProblem(schema);
    if (tooBig) this.#fail([], tooBig);
    this.#root = typeof schema === "boolean" ? (schema ? {} : { not: {} }) : schema;
    this.#defs = { ...(this.#root.definitions ?? {}), ...(this.#root.$defs ?? {}) };
    this.#rootRule = this.#newRuleName(label);
    this.#named.set(this.#root, this.#rootRule);
    this.#rules.set(this.#rootRule, this.#expr(this.#root, []));
    return this.#rootRule;
  }

  /** The GBNF text with `root ::= rootExpression`, including only the rules it needs. */
  build(rootExpression: string): string {
    const lines = [`root ::= ${rootExpression}`];
    for (const [name, body] of this.#rules) lines.push(`${name} ::= ${body}`);
    // Our rules have no quote inside a character class, so blanking literals leaves only rule names.
    const names = new Set(
      lines
        .join("\n")
        .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
        .match(/[a-z0-9-]+/g),
    );
    const needed = new Set<string>();
    const need = (name: string) => {
      if (needed.has(name)) return;
      needed.add(name);
      for (const dep of BASE_DEPENDENCIES[name] ?? []) need(dep);
    };
    for (const name of Object.keys(BASE_RULES)) if (names.has(name)) need(name);
    for (const name of needed) lines.push(`${name} ::= ${BASE_RULES[name]}`);
    return `${lines.join("\n")}\n`;
  }

  #fail(path: Path, message: string): never {
    const where = `${this.#label} at ${pointer(path)}`;
    throw new ValidationError(
      `JSON schema of ${where}: ${message}`,
      [{ path, message }],
      "Grammar-constrained output supports type, enum, const, properties/required, additionalProperties, " +
        "items/prefixItems, min/maxItems, min/maxLength, integer bounds, anyOf/oneOf, $ref to $defs, and the formats " +
        "date, time, date-time, uuid and email. Simplify the schema, or validate that rule after generation.",
    );
  }

  #newRuleName(hint: string): string {
    const base =
      hint
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "r";
    let name = `s-${base}`;
    for (let i = 2; this.#used.has(name) || name in BASE_RULES; i++) name = `s-${base}-${i}`;
    this.#used.add(name);
    return name;
  }

  /** A rule for `schema` when it is worth naming (objects, arrays, refs); the inline expression otherwise. */
  #ruleFor(schema: JsonSchemaDefinition, path: Path, hint: string): string {
    if (typeof schema === "boolean")
      return schema ? "value" : this.#fail(path, "the schema `false` allows no value");
    const existing = this.#named.get(schema);
    if (existing) return existing;
    const name = this.#newRuleName(hint);
    this.#named.set(schema, name);
    this.#rules.set(name, this.#expr(schema, path));
    return name;
  }

  #expr(schema: Schema, path: Path): string {
    for (const keyword of UNSUPPORTED) {
      if (keyword in schema) this.#fail(path, `the keyword "${keyword}" is not supported`);
    }
    const combinator = COMBINATORS.find((keyword) => keyword in schema);
    if (combinator) return this.#combinator(schema, combinator, path);
    const alternatives: string[] = [];
    if (schema.const !== undefined) return jsonLiteral(schema.const);
    if (schema.enum !== undefined) {
      if (schema.enum.length === 0) this.#fail(path, "an empty enum allows no value");
      return schema.enum.map(jsonLiteral).join(" | ");
    }
    const types = this.#types(schema);
    for (const type of types) alternatives.push(this.#typed(schema, type, path));
    const nullable = schema.nullable === true && !types.includes("null");
    if (nullable) alternatives.push("null");
    return alternatives.length === 1 ? alternatives[0]! : alternatives.map((a) => `(${a})`).join(" | ");
  }

  #combinator(schema: Schema, keyword: (typeof COMBINATORS)[number], path: Path): string {
    const siblings = Object.keys(schema).filter(
      (key) => key !== keyword && !ANNOTATIONS.has(key) && key !== "type" && key !== "nullable",
    );
    const constraining = siblings.filter((key) =>
      [
        ...OBJECT_KEYWORDS,
        ...ARRAY_KEYWORDS,
        ...STRING_KEYWORDS,
        ...NUMBER_KEYWORDS,
        "enum",
        "const",
      ].includes(key),
    );
    if (constraining.length > 0) {
      this.#fail(
        path,
        `"${keyword}" next to "${constraining[0]}" is not supported; move it into each branch`,
      );
    }
    if (keyword === "$ref") return this.#ref(schema.$ref!, path);
    const branches = (schema[keyword] ?? []) as JsonSchemaDefinition[];
    if (branches.length === 0) this.#fail(path, `an empty "${keyword}" allows no value`);
    if (keyword === "allOf" && branches.length > 1) {
      this.#fail(
        path,
        `"allOf" with ${branches.length} schemas is not supported; merge them into one schema`,
      );
    }
    const exprs = branches.map((branch, i) =>
      typeof branch === "object" && !isObjectOrArray(branch)
        ? `(${this.#expr(branch, [...path, keyword, i])})`
        : this.#ruleFor(branch, [...path, keyword, i], `${this.#label}-${keyword}-${i}`),
    );
    if (schema.nullable === true) exprs.push("null");
    return exprs.join(" | ");
  }

  #ref(ref: string, path: Path): string {
    if (ref === "#") return this.#rootRule;
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const name = match ? decodeURIComponent(match[2]!).replace(/~1/g, "/").replace(/~0/g, "~") : undefined;
    const target = name === undefined ? undefined : this.#defs[name];
    if (target === undefined) {
      this.#fail(path, `the reference "${ref}" does not point into this schema's $defs or definitions`);
    }
    return this.#ruleFor(target, [match![1]!, name!], `${this.#label}-${name}`);
  }

  #types(schema: Schema): string[] {
    if (schema.type !== undefined) return Array.isArray(schema.type) ? schema.type : [schema.type];
    const has = (keywords: string[]) => keywords.some((keyword) => keyword in schema);
    if (has(OBJECT_KEYWORDS) || has(["minProperties", "maxProperties"])) return ["object"];
    if (has(ARRAY_KEYWORDS) || "uniqueItems" in schema) return ["array"];
    if (has(STRING_KEYWORDS)) return ["string"];
    if (has(NUMBER_KEYWORDS)) return ["number"];
    return ["any"];
  }

  #typed(schema: Schema, type: string, path: Path): string {
    switch (type) {
      case "string":
        return stringGbnf(schema, (message) => this.#fail(path, message));
      case "integer":
      case "number":
        return numberGbnf(schema, type, (message) => this.#fail(path, message));
      case "boolean":
        return "boolean";
      case "null":
        return "null";
      case "object":
        return this.#object(schema, path);
      case "array":
        return arrayGbnf(schema, path, this.#context);
      case "any":
        return "value";
      default:
        return this.#fail(path, `unknown type "${type}"`);
    }
  }

  #object(schema: Schema, path: Path): string {
    const properties = Object.entries(schema.properties ?? {});
    const required = new Set(schema.required ?? []);
    for (const name of required) {
      if (!schema.properties || !(name in schema.properties)) {
        this.#fail(path, `"required" names "${name}", which is not among "properties"`);
      }
    }
    if (properties.length === 0) return mapGbnf(schema, path, this.#context);
    const { minProperties, maxProperties } = schema;
    if (maxProperties !== undefined && maxProperties < properties.length) {
      this.#fail(path, `maxProperties ${maxProperties} below the ${properties.length} declared properties`);
    }
    if (minProperties !== undefined && minProperties > properties.length) {
      this.#fail(path, `minProperties ${minProperties} above the ${properties.length} declared properties`);
    }
    const allRequired = minProperties !== undefined && minProperties > required.size;
    const fields = properties.map(([name, sub]) => ({
      key: jsonLiteral(name),
      value: this.#valueRef(sub, [...path, "properties", name], name),
      required: allRequired || required.has(name),
    }));
    // nonEmpty(i, first): one or more of fields i.. in order; `first` means nothing is written yet (no comma).
    // Rules never match the empty string (GBNF has no empty alternative); optional tails use `?`.
    const base = this.#newRuleName(`${this.#label}-obj`);
    const requiredFrom = (i: number) => fields.slice(i).some((field) => field.required);
    const seq = (i: number, first: boolean): string => {
      if (i === fields.length) return "";
      return requiredFrom(i) ? nonEmpty(i, first) : `${nonEmpty(i, first)}?`;
    };
    const nonEmpty = (i: number, first: boolean): string => {
      const name = `${base}-${i}${first ? "f" : "n"}`;
      if (this.#rules.has(name)) return name;
      this.#rules.set(name, "");
      const field = fields[i]!;
      const next = seq(i + 1, false);
      const write = `${first ? "" : '"," '}${field.key} ":" ${field.value}${next ? ` ${next}` : ""}`;
      const canSkip = !field.required && i + 1 < fields.length;
      this.#rules.set(name, canSkip ? `(${write}) | ${nonEmpty(i + 1, first)}` : write);
      return name;
    };
    return `"{" ${seq(0, true)} "}"`;
  }

  /** Objects, arrays and refs get a rule of their own (readable grammar, shared by reference); scalars inline. */
  #valueRef(schema: JsonSchemaDefinition, path: Path, hint: string): string {
    if (typeof schema === "object" && !isObjectOrArray(schema)) return `(${this.#expr(schema, path)})`;
    return this.#ruleFor(schema, path, `${this.#label}-${hint}`);
  }
}

function isObjectOrArray(schema: Schema): boolean {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  return (
    types.includes("object") ||
    types.includes("array") ||
    "$ref" in schema ||
    "properties" in schema ||
    "items" in schema ||
    "anyOf" in schema ||
    "oneOf" in schema
  );
}
