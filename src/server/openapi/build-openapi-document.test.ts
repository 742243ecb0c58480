import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../api/api-server.fixture.js";
import { operationId } from "./build-openapi-document.js";

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown> };
}

let server: ApiServer;
let doc: Doc;

beforeAll(async () => {
  server = await startApiServer();
  doc = (await server.call(undefined, { url: "/api/openapi.json" })).json() as Doc;
});
afterAll(() => server.close());

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document with every /api and /v1 route, and its access", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ops = ["/healthz", "/readyz", "/metrics"];
    const served = server.routes.filter(
      (r) => r.url.startsWith("/api/") || r.url.startsWith("/v1/") || ops.includes(r.url),
    );
    expect(served.length).toBeGreaterThan(20);
    for (const route of served) {
      const operation = doc.paths[toOpenApiPath(route.url)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url} is not in the OpenAPI document`).toBeDefined();
      expect(operation?.["x-alambique-access"], `${route.method} ${route.url}`).toBe(route.access);
    }
    const documented = Object.values(doc.paths).flatMap((methods) => Object.keys(methods));
    expect(documented).toHaveLength(served.length);
  });

  it("gives each operation a unique id and resolves every $ref", () => {
    const ops = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    const opIds = ops.map((op) => op.operationId);
    expect(new Set(opIds).size).toBe(opIds.length);
    expect(operationId({ method: "GET", path: "/api/agents/:name/knowledge" })).toBe(
      "getApiAgentsByNameKnowledge",
    );
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
  });

  it("describes bodies from the zod schemas: JSON or YAML agents, multipart uploads, errors", () => {
    const put = doc.paths["/api/agents/{name}"]?.put as {
      requestBody: { content: Record<string, { schema: { $ref: string } }> };
      parameters: { name: string; in: string; required: boolean }[];
      responses: Record<string, unknown>;
    };
    expect(Object.keys(put.requestBody.content)).toEqual([
      "application/json",
      "application/yaml",
      "application/x-yaml",
      "text/yaml",
    ]);
    // Defaults make the input's fields optional: the request and the response forms differ.
    expect(put.requestBody.content["application/json"]?.schema.$ref).toBe(
      "#/components/schemas/AgentSpecInput",
    );
    const input = doc.components.schemas.AgentSpecInput as {
      required: string[];
      properties: Record<string, unknown>;
    };
    const output = doc.components.schemas.AgentSpec as { required: string[] };
    expect(input.required).toEqual(["name", "persona"]);
    expect(output.required).toContain("maxSteps");
    expect(Object.keys(input.properties)).toContain("tools");
    expect(put.parameters).toEqual([
      { name: "name", in: "path", required: true, schema: { type: "string" } },
    ]);
    expect(Object.keys(put.responses)).toEqual(["200", "400", "401", "403", "412", "415", "429"]);

    const upload = doc.paths["/api/agents/{name}/knowledge"]?.post as {
      requestBody: { content: Record<string, unknown> };
    };
    expect(Object.keys(upload.requestBody.content)).toEqual(["multipart/form-data"]);
    const list = doc.paths["/api/conversations"]?.get as { parameters: { name: string; in: string }[] };
    expect(list.parameters.map((p) => [p.name, p.in])).toEqual([
      ["agent", "query"],
      ["status", "query"],
      ["limit", "query"],
      ["after", "query"],
    ]);
    expect(doc.paths["/api/openapi.json"]?.get?.security).toEqual([]);
    expect(doc.paths["/v1/chat/completions"]?.post?.requestBody).toBeDefined();
    expect(doc.components.schemas.Error).toBeDefined();
  });
});
