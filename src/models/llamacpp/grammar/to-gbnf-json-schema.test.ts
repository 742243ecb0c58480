import { describe, expect, it } from "vitest";
import { toGbnfJsonSchema } from "./to-gbnf-json-schema.js";

describe("toGbnfJsonSchema", () => {
  it("keeps what node-llama-cpp's dialect has and drops or rewrites the rest", () => {
    expect(
      toGbnfJsonSchema({
        $schema: "http://json-schema.org/draft-07/schema#",
        definitions: { unit: { enum: ["c", "f"], description: "scale" } },
        type: "object",
        properties: {
          city: { type: "string", maxLength: 20, pattern: "^[A-Z]" },
          days: { type: "integer", minimum: 1, maximum: 7 },
          unit: { $ref: "#/definitions/unit" },
          note: { anyOf: [{ type: "string" }, { type: "null" }] },
          tags: { type: "array", items: { type: "string", format: "date" }, maxItems: 3 },
          maybe: { type: "number", nullable: true },
        },
        required: ["city"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        city: { type: "string", maxLength: 20 },
        days: { type: "integer" },
        unit: { enum: ["c", "f"], description: "scale" },
        note: { oneOf: [{ type: "string" }, { type: "null" }] },
        tags: { type: "array", items: { type: "string", format: "date" }, maxItems: 3 },
        maybe: { oneOf: [{ type: "number" }, { type: "null" }] },
      },
    });
  });

  it("cuts recursion instead of looping", () => {
    const converted = toGbnfJsonSchema({ type: "object", properties: { child: { $ref: "#" } } });
    expect(JSON.stringify(converted).length).toBeLessThan(2000);
  });
});
