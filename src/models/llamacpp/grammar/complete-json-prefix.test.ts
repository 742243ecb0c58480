import { describe, expect, it } from "vitest";
import { completeJsonPrefix } from "./complete-json-prefix.js";
import type { JsonSchema } from "./json-schema.js";
import { matchesSchema } from "./schema-validator.js";

/** Every prefix of a document that matches the schema must complete into one that matches too. */
function expectEveryPrefixCompletes(schema: JsonSchema, document: unknown) {
  const text = JSON.stringify(document);
  expect(matchesSchema(schema, document)).toBe(true);
  for (let cut = 0; cut <= text.length; cut++) {
    const completed = completeJsonPrefix(text.slice(0, cut), schema);
    expect(completed, `prefix ${JSON.stringify(text.slice(0, cut))}`).toBeDefined();
    expect(
      completed!.startsWith(text.slice(0, cut).replace(/,$/, "")),
      `keeps the prefix: ${completed}`,
    ).toBe(true);
    expect(matchesSchema(schema, JSON.parse(completed!)), `valid: ${completed}`).toBe(true);
  }
}

describe("completeJsonPrefix", () => {
  it("closes a cut string and adds missing required properties", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "integer" }, c: { type: "boolean" } },
      required: ["a", "b", "c"],
    };
    expect(completeJsonPrefix('{"a":"bana', schema)).toBe('{"a":"bana","b":0,"c":false}');
    expectEveryPrefixCompletes(schema, { a: 'x "q" \\ é ñ \u00e9', b: -125, c: true });
  });

  it("handles nesting, arrays with minItems, enums, nulls and numbers with exponents", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        order: {
          type: "object",
          properties: {
            id: { type: "string", minLength: 3 },
            status: { enum: ["pending", "shipped", "delivered"] },
            items: { type: "array", items: { type: "number" }, minItems: 2 },
          },
          required: ["id", "status", "items"],
        },
        note: { type: ["string", "null"] },
      },
      required: ["order", "note"],
    };
    expectEveryPrefixCompletes(schema, {
      order: { id: "A-17", status: "shipped", items: [1.5e3, -0.25, 7] },
      note: null,
    });
    expectEveryPrefixCompletes(schema, {
      order: { id: "xyz", status: "delivered", items: [0, 1] },
      note: "ok\n",
    });
  });

  it("resolves $ref and anyOf", () => {
    const schema: JsonSchema = {
      $defs: { item: { type: "object", properties: { sku: { type: "string" } }, required: ["sku"] } },
      type: "object",
      properties: {
        items: { type: "array", items: { $ref: "#/$defs/item" } },
        total: { anyOf: [{ type: "number" }, { type: "null" }] },
      },
      required: ["items", "total"],
    };
    expectEveryPrefixCompletes(schema, { items: [{ sku: "pan-1" }, { sku: "bici" }], total: 12.5 });
  });

  it("returns the minimal document for an empty prefix", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { a: { type: "string", minLength: 2 } },
      required: ["a"],
    };
    expect(completeJsonPrefix("", schema)).toBe('{"a":"aa"}');
  });

  it("gives up (undefined) rather than return JSON that does not match", () => {
    expect(
      completeJsonPrefix('{"a":"x', {
        type: "object",
        properties: { a: { type: "string", pattern: "^[0-9]+$" } },
      }),
    ).toBeUndefined();
  });
});
