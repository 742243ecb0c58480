import { describe, expect, it } from "vitest";
import { ValidationError } from "../../spec/errors.js";
import { compileJsonSchema, SCHEMA_LIMITS, VALUE_LIMITS } from "./compile-json-schema.js";
import { MAX_MATCHED_LENGTH } from "./safe-pattern.js";

function refusal(schema: unknown): ValidationError {
  try {
    compileJsonSchema(schema);
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(schema)}`);
}

const check = (schema: unknown, value: unknown) => compileJsonSchema(schema).check(value);
const paths = (schema: unknown, value: unknown) => {
  const result = check(schema, value);
  return result.success ? [] : result.issues.map((issue) => issue.path.join("."));
};

const evil = `${"a".repeat(34)}!`;

describe("compileJsonSchema: untrusted patterns", () => {
  it("checks `pattern`, `patternProperties` and `propertyNames` with a linear-time engine", () => {
    const started = performance.now();
    const schemas: [unknown, unknown][] = [
      [{ type: "string", pattern: "^(a+)+$" }, evil],
      [{ type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } } }, { code: evil }],
      [
        { type: "object", patternProperties: { "^(a+)+$": { type: "string" } }, additionalProperties: false },
        { [evil]: "x" },
      ],
      [{ type: "object", propertyNames: { pattern: "^(a+)+$" } }, { [evil]: 1 }],
      [
        { type: "array", items: { anyOf: [{ type: "string", pattern: "^(a|a)*$" }, { type: "number" }] } },
        [evil],
      ],
      [{ $defs: { code: { type: "string", pattern: "^(a+)+$" } }, $ref: "#/$defs/code" }, evil],
    ];
    for (const [schema, value] of schemas) {
      expect(check(schema, value).success, JSON.stringify(schema)).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("keeps the paths and messages of the issues", () => {
    const schema = {
      type: "object",
      properties: { code: { type: "string", pattern: "^LE-\\d{4}$" } },
      patternProperties: { "^x-": { type: "integer" } },
      additionalProperties: false,
    };
    const result = check(schema, { code: "LE-12", "x-count": "many", other: 1 });
    expect(result.success).toBe(false);
    expect(result.success ? [] : result.issues).toEqual([
      { path: ["code"], message: "Invalid string: must match pattern ^LE-\\d{4}$" },
      { path: ["x-count"], message: expect.stringContaining("expected number") },
      { path: ["other"], message: 'unknown key "other"' },
    ]);
    expect(check(schema, { code: "LE-1234", "x-count": 3 })).toEqual({
      success: true,
      data: { code: "LE-1234", "x-count": 3 },
    });
  });

  it("refuses at compile time a pattern RE2 cannot take, with the path of each", () => {
    const error = refusal({
      type: "object",
      properties: { code: { type: "string", pattern: "^(a)\\1$" } },
      patternProperties: { "^(?=x)": true },
    });
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ["properties", "code", "pattern"],
      ["patternProperties", "^(?=x)"],
    ]);
    expect(error.message).toContain("properties.code.pattern");
    expect(error.message).toContain("backreference");
  });

  it("refuses text too long to match rather than matching it", () => {
    const result = check({ type: "string", pattern: "^a+$" }, "a".repeat(MAX_MATCHED_LENGTH + 1));
    expect(result.success ? "" : result.issues[0]!.message).toContain("too long");
    expect(check({ type: "string", format: "email" }, `${"a".repeat(MAX_MATCHED_LENGTH)}@x.es`).success).toBe(
      false,
    );
    expect(check({ type: "string", format: "regex" }, "(a+)+").success).toBe(true); // an annotation: never compiled
  });
});

describe("compileJsonSchema: what is not a JSON Schema", () => {
  it.each([
    [{ type: "object", properties: { a: { type: "banana" } } }, ["properties", "a", "type"]],
    [{ type: "object", properties: 5 }, ["properties"]],
    [{ type: "object", properties: { a: 5 } }, ["properties", "a"]],
    [{ type: "object", required: "a" }, ["required"]],
    [{ type: "string", minLength: -1 }, ["minLength"]],
    [{ type: "string", pattern: 7 }, ["pattern"]],
    [{ type: "array", items: "string" }, ["items"]],
    [{ anyOf: [] }, ["anyOf"]],
    [{ type: "number", multipleOf: 0 }, ["multipleOf"]],
    [{ if: { type: "string" }, else: { minLength: 2 } }, ["if"]],
    [{ not: { type: "string" } }, ["not"]],
    [{ $ref: "https://example.com/schema.json" }, ["$ref"]],
    [{ $ref: "#/$defs/missing" }, ["$ref"]],
    [{ $defs: { a: { type: "nope" } } }, ["$defs", "a", "type"]],
  ])("%j is refused at %j", (schema, path) => {
    expect(refusal(schema).issues[0]!.path).toEqual(path);
  });

  it("bounds the schema's size, number of subschemas and depth", () => {
    let deep: unknown = { type: "string" };
    for (let i = 0; i <= SCHEMA_LIMITS.depth; i++) deep = { type: "array", items: deep };
    expect(refusal(deep).message).toContain("levels deep");
    const wide = {
      type: "object",
      properties: Object.fromEntries(Array.from({ length: SCHEMA_LIMITS.nodes }, (_, i) => [`p${i}`, {}])),
    };
    expect(refusal(wide).message).toContain("subschemas");
    const big = { type: "string", description: "x".repeat(SCHEMA_LIMITS.bytes) };
    expect(refusal(big).message).toContain("KiB");
    const cyclic: Record<string, unknown> = { type: "object" };
    cyclic.properties = { self: cyclic };
    expect(refusal(cyclic).message).toContain("more than");
    let nested: unknown = {};
    for (let i = 0; i < 100_000; i++) nested = { items: nested };
    expect(refusal(nested).message).toContain("levels deep");
  });
});

describe("compileJsonSchema: bounded checking", () => {
  it("refuses a value nested deeper than the limit, without overflowing the stack", () => {
    let value: unknown = [];
    for (let i = 0; i < 100_000; i++) value = [value];
    const result = check(
      { $defs: { n: { type: "array", items: { $ref: "#/$defs/n" } } }, $ref: "#/$defs/n" },
      value,
    );
    expect(result.success ? "" : result.issues[0]!.message).toContain(`${VALUE_LIMITS.depth} levels`);
  });

  it("stops a check after its step budget: every subschema applied to a part of the value is a step", () => {
    const schema = { type: "array", items: { type: "object", properties: { sku: { type: "string" } } } };
    const items = Array.from({ length: VALUE_LIMITS.steps / 2 }, () => ({ sku: "pan" }));
    const started = performance.now();
    const result = check(schema, items);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.success ? "" : result.issues[0]!.message).toContain("too large or too nested");
    expect(check(schema, items.slice(0, 1_000)).success).toBe(true);
  });
});

describe("compileJsonSchema: JSON Schema semantics", () => {
  it("applies defaults, keeps extra keys unless additionalProperties is false, and checks required ones", () => {
    const schema = {
      type: "object",
      properties: {
        item: { type: "string", minLength: 2 },
        quantity: { type: "integer", minimum: 1 },
        note: { type: "string", default: "none" },
      },
      required: ["item", "quantity"],
    };
    expect(check(schema, { item: "pan", quantity: 2, extra: true })).toEqual({
      success: true,
      data: { item: "pan", quantity: 2, extra: true, note: "none" },
    });
    expect(paths(schema, { item: "p", quantity: 0 }).sort()).toEqual(["item", "quantity"]);
    expect(
      paths({ ...schema, additionalProperties: false }, { item: "pan", quantity: 1, colour: 1 }),
    ).toEqual([""]);
  });

  it("reads the keywords of a schema without `type` for the kinds they describe", () => {
    expect(check({ properties: { a: { type: "string" } } }, { a: 1 }).success).toBe(false);
    expect(check({ minLength: 3 }, "ab").success).toBe(false);
    expect(check({ description: "anything" }, [1, "x"]).success).toBe(true);
  });

  it("checks enum and const by JSON equality, anyOf, oneOf, allOf, tuples, uniqueItems and contains", () => {
    expect(check({ enum: [{ a: 1, b: 2 }] }, { b: 2, a: 1 }).success).toBe(true);
    expect(check({ const: [1, 2] }, [2, 1]).success).toBe(false);
    expect(check({ anyOf: [{ type: "string" }, { type: "integer" }] }, 2).success).toBe(true);
    expect(check({ oneOf: [{ type: "number" }, { type: "integer" }] }, 2).success).toBe(false);
    expect(check({ allOf: [{ type: "integer" }, { minimum: 3 }] }, 2).success).toBe(false);
    expect(check({ type: "array", prefixItems: [{ type: "string" }], items: false }, ["a", 1]).success).toBe(
      false,
    );
    expect(paths({ type: "array", uniqueItems: true }, [{ a: 1 }, { a: 1 }])).toEqual(["1"]);
    expect(check({ type: "array", contains: { const: "x" }, minContains: 2 }, ["x", "y"]).success).toBe(
      false,
    );
    expect(check({ type: ["string", "null"] }, null).success).toBe(true);
    expect(check({ type: "string", nullable: true }, null).success).toBe(true);
  });

  it("follows local references, recursive ones included", () => {
    const tree = {
      type: "object",
      properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
      required: ["name"],
    };
    expect(check(tree, { name: "a", children: [{ name: "b", children: [] }] }).success).toBe(true);
    expect(paths(tree, { name: "a", children: [{ children: [] }] })).toEqual(["children.0.name"]);
    const defs = {
      definitions: { sku: { type: "string", pattern: "^[A-Z]{3}$" } },
      items: { $ref: "#/definitions/sku" },
    };
    expect(check(defs, ["ABC", "abc"]).success).toBe(false);
  });

  it("refuses a property named `__proto__`, which zod's objects cannot see", () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
    expect(refusal(schema).issues[0]!.path).toEqual(["properties", "__proto__"]);
  });
});
