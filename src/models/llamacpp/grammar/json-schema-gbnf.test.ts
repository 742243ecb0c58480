import { zodSchema } from "ai";
import type { Llama } from "node-llama-cpp";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AlambiqueError, ValidationError } from "../../../spec/errors.js";
import { getLlamaRuntime } from "../llama-runtime.js";
import type { JsonSchemaDefinition } from "./json-schema.js";
import { JsonSchemaGbnf } from "./json-schema-gbnf.js";
import {
  buildStructuredGrammar,
  type GrammarTool,
  parseStructuredOutput,
  ToolCallStreamSplitter,
} from "./structured-grammar.js";

let llama: Llama;
beforeAll(async () => {
  ({ llama } = await getLlamaRuntime({ gpu: false }));
});

/** llama.cpp's own parser is the judge of whether the GBNF is well-formed. */
async function parses(schema: JsonSchemaDefinition): Promise<string> {
  const compiler = new JsonSchemaGbnf();
  const text = compiler.build(compiler.add(schema, "test"));
  await llama.createGrammar({ grammar: text });
  return text;
}

function rejection(schema: JsonSchemaDefinition): ValidationError {
  try {
    new JsonSchemaGbnf().add(schema, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected the schema to be rejected");
}

describe("JsonSchemaGbnf", () => {
  it("compiles what zod and the AI SDK emit into a grammar llama.cpp accepts", async () => {
    const schema = z.object({
      name: z.string().min(1).max(40),
      age: z.number().int(),
      score: z.number().min(0).max(1),
      rating: z.number().int().min(1).max(5),
      positive: z.number().positive(),
      tags: z.array(z.enum(["a", "b"])).max(3),
      nickname: z.string().nullable(),
      note: z.string().optional(),
      either: z.union([z.string(), z.number()]),
      shape: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("circle"), r: z.number() }),
        z.object({ kind: z.literal("square"), side: z.number() }),
      ]),
      email: z.email(),
      id: z.uuid(),
      day: z.iso.date(),
      at: z.iso.datetime(),
      map: z.record(z.string(), z.boolean()),
      pair: z.tuple([z.string(), z.number()]),
      anything: z.unknown(),
    });
    const text = await parses(await zodSchema(schema).jsonSchema);
    expect(text).toContain('"\\"rating\\""');
  });

  it("handles recursion through $ref and $defs, and 'definitions' from draft 7", async () => {
    await parses({
      $defs: {
        node: {
          type: "object",
          properties: {
            v: { type: "integer" },
            kids: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 2 },
          },
          required: ["v", "kids"],
        },
      },
      $ref: "#/$defs/node",
    });
    await parses({
      definitions: { leaf: { type: "string", maxLength: 3 } },
      type: "object",
      properties: {
        a: { $ref: "#/definitions/leaf" },
        b: { $ref: "#/definitions/leaf" },
        self: { anyOf: [{ $ref: "#" }, { type: "null" }] },
      },
    });
  });

  it("escapes literals that contain quotes, backslashes, newlines and non-ASCII text", async () => {
    const text = await parses({
      enum: ['say "hi"', "back\\slash", "line\nbreak", "año ☕", 3, true, null, { k: [1] }],
    });
    expect(text).toContain("año ☕");
  });

  it("writes optional properties as optional and required ones as required", async () => {
    const text = await parses({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "integer" }, c: { type: "boolean" } },
      required: ["b"],
    });
    expect(text).toMatch(/\| /);
    await parses({ type: "object", properties: { only: { type: "string" } } });
  });

  it("rejects keywords a grammar cannot honour, naming the keyword and where it is", () => {
    const cases: [JsonSchemaDefinition, string, (string | number)[]][] = [
      [
        { type: "object", properties: { code: { type: "string", pattern: "^(a)\\1$" } } },
        "pattern",
        ["properties", "code"],
      ],
      [{ type: "string", format: "uri" }, "uri", []],
      [{ type: "number", multipleOf: 0.5 }, "multipleOf", []],
      [{ type: "number", minimum: 0.5 }, "fractional minimum", []],
      [{ type: "array", items: { type: "string" }, uniqueItems: true }, "uniqueItems", []],
      [{ not: { type: "string" } }, '"not"', []],
      [{ allOf: [{ type: "object" }, { type: "object" }] }, "allOf", []],
      [{ properties: { a: { type: "string" } }, anyOf: [{ required: ["a"] }] }, "anyOf", []],
      [{ $ref: "https://example.com/schema.json" }, "does not point", []],
      [{ type: "object", properties: { a: { type: "string" } }, required: ["b"] }, '"b"', []],
      [{ type: "integer", minimum: 5, maximum: 4 }, "no integer", []],
      [{ enum: [] }, "empty enum", []],
    ];
    for (const [schema, words, path] of cases) {
      const error = rejection(schema);
      expect(error.message).toContain(words);
      expect(error.issues[0]?.path).toEqual(path);
      expect(AlambiqueError.isInstance(error) && error.status).toBe(400);
      expect(error.hint).toBeTruthy();
    }
  });

  it("writes bounded arrays and maps, including the edge counts", async () => {
    for (const [minItems, maxItems] of [
      [1, 1],
      [2, undefined],
      [0, 0],
      [0, 1],
      [3, 5],
    ]) {
      await parses({ type: "array", items: { type: "integer" }, minItems, maxItems });
    }
    await parses({ type: "object", additionalProperties: { type: "number" }, maxProperties: 1 });
    await parses({
      type: "object",
      propertyNames: { enum: ["a", "b"] },
      additionalProperties: { type: "boolean" },
      minProperties: 1,
    });
    await parses({ type: "object", additionalProperties: false });
    await parses({
      type: "array",
      prefixItems: [{ type: "string" }],
      items: { type: "integer" },
      minItems: 3,
    });
  });

  it("ignores annotations and unknown keywords", async () => {
    await parses({
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "T",
      description: "d",
      type: "object",
      properties: { a: { type: "string", default: "x", examples: ["y"], "x-vendor": 1 } },
    });
  });
});

describe("structured grammars", () => {
  const tools: GrammarTool[] = [
    {
      name: "get_weather",
      inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
    { name: "noop", inputSchema: { type: "object", properties: {} } },
  ];

  it("builds grammars for a JSON answer, a forced tool call, and either", async () => {
    for (const grammar of [
      buildStructuredGrammar({ kind: "json", schema: undefined }),
      buildStructuredGrammar({ kind: "tool", tools }),
      buildStructuredGrammar({
        kind: "json-or-tool",
        schema: { type: "array", items: { type: "integer" } },
        tools,
      }),
    ]) {
      await llama.createGrammar({ grammar });
    }
  });

  it("parses calls and answers, and reports incomplete output as undefined", () => {
    expect(
      parseStructuredOutput('{"name":"get_weather","arguments":{"city":"Oslo"}}', { kind: "tool", tools }),
    ).toEqual({
      type: "tool-call",
      toolName: "get_weather",
      input: '{"city":"Oslo"}',
    });
    const either = { kind: "json-or-tool", schema: undefined, tools } as const;
    expect(parseStructuredOutput('<tool_call>{"name":"noop","arguments":{}}', either)).toMatchObject({
      toolName: "noop",
    });
    expect(parseStructuredOutput('{"answer":1}', either)).toEqual({ type: "json", text: '{"answer":1}' });
    expect(parseStructuredOutput('{"name":"noop","argu', { kind: "tool", tools })).toBeUndefined();
  });

  it("streams a call's arguments without its closing brace", () => {
    const splitter = new ToolCallStreamSplitter();
    const pieces = ['<tool_call>{"na', 'me":"get_weather","arg', 'uments":{"ci', 'ty":"Oslo"}', "}"];
    const out = pieces.map((piece) => splitter.push(piece));
    expect(out.map((o) => o.started).filter(Boolean)).toEqual(["get_weather"]);
    expect(out.map((o) => o.argsDelta).join("")).toBe('{"city":"Oslo"}');
  });
});
