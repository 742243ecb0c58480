import { z } from "zod";

type JsonSchema = Record<string, unknown>;
type Io = "input" | "output";

const placeholder = "#/$defs/";
const componentsPath = "#/components/schemas/";

/**
 * Turns zod schemas into JSON Schema (2020-12, OpenAPI 3.1's dialect) for one
 * document. A schema named with `.meta({ id })` becomes one component that
 * every use refers to. Request bodies are converted as zod's input (defaults
 * make fields optional), responses as its output; a named schema whose two
 * forms differ becomes two components, `Name` (output) and `NameInput`.
 * Two different schemas with one name are a programming error: `add` throws.
 */
export class SchemaComponents {
  readonly #defs: Record<Io, Map<string, JsonSchema>> = { input: new Map(), output: new Map() };
  readonly #uses: { io: Io; schema: JsonSchema }[] = [];

  /** A JSON Schema for `schema`; its `$ref`s are resolved by `finish()`. */
  add(schema: z.ZodType, io: Io): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      unrepresentable: "any",
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = converted;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const known = this.#defs[io].get(id);
      if (known && JSON.stringify(known) !== JSON.stringify(def)) {
        throw new Error(`two different schemas are named ${id} in the OpenAPI document`);
      }
      this.#defs[io].set(id, def);
      this.#uses.push({ io, schema: def });
    }
    this.#uses.push({ io, schema: rest });
    return rest;
  }

  /** The `components.schemas` of the document; rewrites every `$ref` handed out so far. */
  finish(): Record<string, JsonSchema> {
    const differs = new Set<string>();
    for (const [id, input] of this.#defs.input) {
      const output = this.#defs.output.get(id);
      if (output && JSON.stringify(output) !== JSON.stringify(input)) differs.add(id);
    }
    const nameOf = (id: string, io: Io) => (io === "input" && differs.has(id) ? `${id}Input` : id);
    for (const use of this.#uses) rewriteRefs(use.schema, (id) => componentsPath + nameOf(id, use.io));
    const components: Record<string, JsonSchema> = {};
    for (const io of ["output", "input"] as const) {
      for (const [id, def] of this.#defs[io]) components[nameOf(id, io)] ??= def;
    }
    return Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function rewriteRefs(node: unknown, to: (id: string) => string): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item, to);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const object = node as Record<string, unknown>;
  const ref = object.$ref;
  if (typeof ref === "string" && ref.startsWith(placeholder)) object.$ref = to(ref.slice(placeholder.length));
  for (const value of Object.values(object)) rewriteRefs(value, to);
}
