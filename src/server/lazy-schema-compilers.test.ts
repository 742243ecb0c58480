import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { lazySchemaCompilers } from "./lazy-schema-compilers.js";

describe("lazySchemaCompilers", () => {
  it("validates and serialises a route's JSON schemas as Fastify's defaults do, built on first use", async () => {
    const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers } });
    app.addSchema({ $id: "name", type: "string", minLength: 2 });
    app.post(
      "/greet",
      {
        schema: {
          body: {
            type: "object",
            required: ["name"],
            properties: { name: { $ref: "name#" }, times: { type: "integer", default: 1 } },
          },
          response: { 200: { type: "object", properties: { greeting: { type: "string" } } } },
        },
      },
      async (request) => {
        const { name, times } = request.body as { name: string; times: number };
        // `secret` is not in the response schema: fast-json-stringify leaves it out.
        return { greeting: `hola ${name}`.repeat(times), secret: "never sent" };
      },
    );
    try {
      const ok = await app.inject({ method: "POST", url: "/greet", payload: { name: "Ana" } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ greeting: "hola Ana" }); // ajv's default filled `times`
      const bad = await app.inject({ method: "POST", url: "/greet", payload: { name: "A" } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/body\/name must NOT have fewer than 2 characters/);
      const missing = await app.inject({ method: "POST", url: "/greet", payload: {} });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().message).toMatch(/must have required property 'name'/);
    } finally {
      await app.close();
    }
  });
});
