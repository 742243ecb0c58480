import { describe, expect, it } from "vitest";
import { ValidationError } from "../../spec/errors.js";
import { compileArgumentsSchema, lenientArgumentsSchema } from "./arguments-schema.js";

const order = {
  type: "object",
  properties: {
    code: { type: "string", pattern: "^(a+)+$" },
    lines: {
      type: "array",
      items: { type: "object", properties: { sku: { type: "string", pattern: "^[A-Z]{3}-\\d{2}$" } } },
    },
    note: { type: "string", default: "none" },
  },
  required: ["code"],
};

describe("compileArgumentsSchema", () => {
  it("checks a nested-quantifier pattern against 34 a's and a `!` in linear time", () => {
    const schema = compileArgumentsSchema(order, "tools[0].inputSchema");
    const started = performance.now();
    const parsed = schema.parse({ code: `${"a".repeat(34)}!` });
    expect(performance.now() - started).toBeLessThan(100);
    expect(parsed).toEqual({
      ok: false,
      issues: [{ path: "code", message: "Invalid string: must match pattern ^(a+)+$" }],
    });
  });

  it("names fields as the model wrote them, and applies defaults", () => {
    const schema = compileArgumentsSchema(order, "tools[0].inputSchema");
    expect(schema.parse({ code: "aaa", lines: [{ sku: "PAN-01" }, { sku: "pan" }] })).toEqual({
      ok: false,
      issues: [{ path: "lines[1].sku", message: "Invalid string: must match pattern ^[A-Z]{3}-\\d{2}$" }],
    });
    expect(schema.parse({ code: "aaa" })).toEqual({ ok: true, args: { code: "aaa", note: "none" } });
    expect(schema.parse(undefined)).toMatchObject({ ok: false, issues: [{ path: "code" }] });
  });

  it("refuses a schema that is not a JSON Schema, or a pattern RE2 cannot take, saying where", () => {
    const cases: [Record<string, unknown>, (string | number)[], string][] = [
      [{ type: "object", properties: { a: { type: "banana" } } }, ["properties", "a", "type"], "banana"],
      [{ type: "object", properties: 5 }, ["properties"], "schemas"],
      [
        { type: "object", properties: { a: { type: "string", pattern: "^(a)\\1$" } } },
        ["properties", "a", "pattern"],
        "backreference",
      ],
      [{ type: "array" }, ["type"], "must describe an object"],
    ];
    for (const [schema, path, words] of cases) {
      let error: unknown;
      try {
        compileArgumentsSchema(schema, "tools[2].inputSchema");
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(schema)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toEqual(path);
      expect((error as ValidationError).message).toContain("tools[2].inputSchema");
      expect((error as ValidationError).message).toContain(words);
    }
  });
});

describe("lenientArgumentsSchema (MCP servers)", () => {
  it("checks an MCP server's patterns with the same linear-time engine", () => {
    const schema = lenientArgumentsSchema({ properties: { q: { type: "string", pattern: "^(a|a)*$" } } });
    const started = performance.now();
    expect(schema.parse({ q: `${"a".repeat(40)}!` }).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("shows a schema it cannot compile as it is, and only checks for an object: no pattern reaches a RegExp", () => {
    const raw = { properties: { q: { type: "string", pattern: "^(a+)\\1$" } } };
    const schema = lenientArgumentsSchema(raw);
    expect(schema.jsonSchema).toEqual({ type: "object", ...raw });
    expect(schema.parse({ q: `${"a".repeat(40)}!` })).toEqual({
      ok: true,
      args: { q: `${"a".repeat(40)}!` },
    });
    expect(schema.parse("text")).toMatchObject({ ok: false });
  });
});
