import type { JsonSchema, JsonSchemaDefinition } from "./json-schema.js";
import { matchesSchema } from "./schema-validator.js";

/**
 * Closes JSON that a token limit cut short. Grammar-constrained generation
 * guarantees every prefix can still become a document that matches the
 * schema, but `maxOutputTokens` may stop it half-way: `{"a":"bana`. This
 * finishes the document the shortest way the schema allows — closes the open
 * string, completes a literal or number, adds the required properties and
 * items still missing (with their minimal values), and closes every bracket —
 * so a caller asking for JSON always gets JSON that parses and matches.
 *
 * Returns the completed text, or undefined when the prefix cannot be completed
 * into a value that matches (the caller then reports the truncation).
 */
export function completeJsonPrefix(prefix: string, schema: JsonSchemaDefinition): string | undefined {
  const root = typeof schema === "boolean" ? {} : schema;
  const completed = prefix.trim() === "" ? minimalJson(root, root) : close(prefix, root);
  if (completed === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(completed);
    return matchesSchema(schema, value) === false ? undefined : completed;
  } catch {
    return undefined;
  }
}

type Frame =
  | {
      kind: "object";
      schema: JsonSchema;
      keys: Set<string>;
      key?: string;
      expect: "key" | "colon" | "value" | "next";
    }
  | { kind: "array"; schema: JsonSchema; count: number; expect: "value" | "next" };

/** Walks the prefix with a stack of open containers, then appends what closes each, innermost first. */
function close(prefix: string, root: JsonSchema): string | undefined {
  const stack: Frame[] = [];
  let text = prefix;
  let i = 0;
  let scalar:
    | { start: number; kind: "string" | "number" | "literal"; isKey: boolean; schema: JsonSchema }
    | undefined;
  const schemaHere = (): JsonSchema => {
    const top = stack.at(-1);
    if (!top) return root;
    return top.kind === "object"
      ? propertySchema(top.schema, top.key ?? "", root)
      : itemSchema(top.schema, top.count, root);
  };
  const valueDone = () => {
    const top = stack.at(-1);
    if (top?.kind === "object") {
      top.keys.add(top.key ?? "");
      top.expect = "next";
    } else if (top) {
      top.count++;
      top.expect = "next";
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (scalar?.kind === "string") {
      if (c === "\\") i++;
      else if (c === '"') {
        const raw = text.slice(scalar.start, i + 1);
        const top = stack.at(-1);
        if (scalar.isKey && top?.kind === "object") {
          top.key = JSON.parse(raw) as string;
          top.expect = "colon";
        } else valueDone();
        scalar = undefined;
      }
      i++;
      continue;
    }
    if (scalar && !/[-+.eE0-9a-z]/.test(c)) {
      scalar = undefined;
      valueDone();
    }
    if (scalar) {
      i++;
      continue;
    }
    const top = stack.at(-1);
    if (c === "{")
      stack.push({
        kind: "object",
        schema: resolve(schemaHere(), root, "object"),
        keys: new Set(),
        expect: "key",
      });
    else if (c === "[")
      stack.push({ kind: "array", schema: resolve(schemaHere(), root, "array"), count: 0, expect: "value" });
    else if (c === "}" || c === "]") {
      stack.pop();
      valueDone();
    } else if (c === '"') {
      const isKey = top?.kind === "object" && top.expect === "key";
      scalar = { start: i, kind: "string", isKey, schema: isKey ? top.schema : schemaHere() };
    } else if (c === ":" && top?.kind === "object") top.expect = "value";
    else if (c === "," && top) top.expect = top.kind === "object" ? "key" : "value";
    else if (/[-0-9]/.test(c)) scalar = { start: i, kind: "number", isKey: false, schema: schemaHere() };
    else if (/[tfn]/.test(c)) scalar = { start: i, kind: "literal", isKey: false, schema: schemaHere() };
    i++;
  }
  // Finish the scalar in progress.
  if (scalar) {
    const partial = text.slice(scalar.start);
    if (scalar.kind === "string") {
      const top = stack.at(-1);
      const objectKeys = scalar.isKey && top?.kind === "object" ? top.keys : undefined;
      const rest = finishString(partial, scalar.schema, objectKeys);
      text += rest;
      if (objectKeys && top?.kind === "object") {
        top.key = JSON.parse(partial + rest) as string;
        top.expect = "colon";
      } else valueDone();
    } else {
      const finished = scalar.kind === "number" ? finishNumber(partial) : finishLiteral(partial);
      if (finished === undefined) return undefined;
      text = text.slice(0, scalar.start) + finished;
      valueDone();
    }
  }
  // Close containers innermost first.
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.kind === "object") {
      if (top.expect === "colon") text += ":";
      if (top.expect === "colon" || top.expect === "value") {
        text += minimalJson(propertySchema(top.schema, top.key ?? "", root), root);
        top.keys.add(top.key ?? "");
      } else if (top.expect === "key") text = dropTrailingComma(text);
      for (const name of top.schema.required ?? []) {
        if (top.keys.has(name)) continue;
        text += `${top.keys.size > 0 ? "," : ""}${JSON.stringify(name)}:${minimalJson(propertySchema(top.schema, name, root), root)}`;
        top.keys.add(name);
      }
      text += "}";
    } else {
      if (top.expect === "value") text = dropTrailingComma(text);
      for (let n = top.count; n < (top.schema.minItems ?? 0); n++) {
        text += `${n > 0 ? "," : ""}${minimalJson(itemSchema(top.schema, n, root), root)}`;
      }
      text += "]";
    }
    valueDone();
  }
  return text;
}

/**
 * The rest of a string cut short: a cut escape (`\\` or `\\u12`) is finished,
 * then the text grows to the first allowed value it is a prefix of — an enum
 * value, or for a key the first property not yet written — or is padded to
 * `minLength`.
 */
function finishString(partial: string, schema: JsonSchema, keysSeen?: Set<string>): string {
  const backslashes = /\\+$/.exec(partial)?.[0].length ?? 0;
  const unicode = /(?<!\\)(?:\\\\)*\\u([0-9a-fA-F]{0,3})$/.exec(partial);
  const escapeTail = backslashes % 2 === 1 ? "n" : unicode ? "0".repeat(4 - unicode[1]!.length) : "";
  const content = JSON.parse(`${partial}${escapeTail}"`) as string;
  const allowed = keysSeen
    ? schema.additionalProperties === false
      ? [...(schema.required ?? []), ...Object.keys(schema.properties ?? {})].filter((k) => !keysSeen.has(k))
      : undefined
    : schema.const !== undefined
      ? [schema.const]
      : schema.enum;
  if (allowed) {
    const target = allowed.find((v): v is string => typeof v === "string" && v.startsWith(content));
    if (target !== undefined)
      return `${escapeTail}${JSON.stringify(target).slice(1 + JSON.stringify(content).length - 2)}`;
  }
  const padding = keysSeen ? 0 : Math.max(0, (schema.minLength ?? 0) - [...content].length);
  return `${escapeTail}${"a".repeat(padding)}"`;
}

function finishNumber(partial: string): string | undefined {
  if (/^-$/.test(partial)) return "-0";
  if (/[.eE+-]$/.test(partial)) return `${partial}0`;
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(partial) ? partial : undefined;
}

function finishLiteral(partial: string): string | undefined {
  return ["true", "false", "null"].find((word) => word.startsWith(partial));
}

function dropTrailingComma(text: string): string {
  return text.replace(/,\s*$/, "");
}

/** The shortest JSON text that matches a schema (best effort for `pattern` and `format`). */
function minimalJson(schema: JsonSchemaDefinition, root: JsonSchema, depth = 0): string {
  if (typeof schema === "boolean" || depth > 32) return "null";
  if (schema.$ref) return minimalJson(deref(schema.$ref, root), root, depth + 1);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum && schema.enum.length > 0) return JSON.stringify(schema.enum[0]);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && branches.length > 0) return minimalJson(branches[0]!, root, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ["null"];
  const type = types.includes("null") ? "null" : types[0];
  switch (type) {
    case "object":
      return `{${(schema.required ?? [])
        .map(
          (name) =>
            `${JSON.stringify(name)}:${minimalJson(propertySchema(schema, name, root), root, depth + 1)}`,
        )
        .join(",")}}`;
    case "array":
      return `[${Array.from({ length: schema.minItems ?? 0 }, (_, n) => minimalJson(itemSchema(schema, n, root), root, depth + 1)).join(",")}]`;
    case "string":
      return JSON.stringify("a".repeat(schema.minLength ?? 0));
    case "integer":
    case "number":
      return String(minimalNumber(schema, type === "integer"));
    case "boolean":
      return "false";
    default:
      return "null";
  }
}

function minimalNumber(schema: JsonSchema, integer: boolean): number {
  const lo =
    schema.minimum ??
    (typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : undefined);
  const hi =
    schema.maximum ??
    (typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum - (integer ? 1 : 0.5) : undefined);
  let value = lo !== undefined && lo > 0 ? lo : hi !== undefined && hi < 0 ? hi : 0;
  if (integer) value = lo !== undefined && value === lo ? Math.ceil(value) : Math.floor(value);
  return value;
}

function resolve(schema: JsonSchema, root: JsonSchema, kind: "object" | "array"): JsonSchema {
  if (schema.$ref) return resolve(deref(schema.$ref, root), root, kind);
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  const wanted = branches.find(
    (b) => typeof b === "object" && (b.type === kind || (Array.isArray(b.type) && b.type.includes(kind))),
  );
  return typeof wanted === "object" ? resolve(wanted, root, kind) : schema;
}

function propertySchema(schema: JsonSchema, name: string, root: JsonSchema): JsonSchema {
  const direct =
    schema.properties?.[name] ??
    (typeof schema.additionalProperties === "object" ? schema.additionalProperties : {});
  const found = typeof direct === "boolean" ? {} : direct;
  return found.$ref ? deref(found.$ref, root) : found;
}

function itemSchema(schema: JsonSchema, index: number, root: JsonSchema): JsonSchema {
  const item =
    schema.prefixItems?.[index] ??
    (typeof schema.items === "object" && !Array.isArray(schema.items) ? schema.items : {});
  const found = typeof item === "boolean" ? {} : item;
  return found.$ref ? deref(found.$ref, root) : found;
}

function deref(ref: string, root: JsonSchema): JsonSchema {
  const path = ref.replace(/^#\/?/, "").split("/").filter(Boolean);
  let node: unknown = root;
  for (const part of path)
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return typeof node === "object" && node !== null ? (node as JsonSchema) : {};
}
