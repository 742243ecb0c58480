import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelRegistry, type ModelRegistryOptions } from "../../models/model-registry.js";
import type { Store } from "../../spec/store.js";
import { type ApiServer, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  // The real registry over the fixture's own store, which exists only once the server does.
  const options: ModelRegistryOptions = { store: undefined as unknown as Store };
  server = await startApiServer({ models: new ModelRegistry(options) });
  options.store = server.store;
  await server.store.models.add({
    name: "remote-teacher",
    source: "url:http://10.0.0.7:8000/v1",
    architecture: "llama",
    parameterCount: 70_000_000_000,
    quantization: null,
    contextLength: 8192,
    licenseId: "llama3.1",
    licenseUrl: "https://llama.meta.com/llama3_1/license/",
    weightsOpenness: "gated",
    dataOpenness: "closed",
    codeOpenness: "open",
    outputsMayTrain: true,
    metadata: { apiKeyEnv: "TEACHER_SECRET_VAR" },
  });
});
afterAll(() => server.close());

describe("GET /api/models", () => {
  it("lists the catalog with licence and openness, and never where a model lives or its key's variable", async () => {
    const res = await server.call(server.other.admin, { url: "/api/models" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([
      expect.objectContaining({
        name: "remote-teacher",
        licenseId: "llama3.1",
        weightsOpenness: "gated",
        dataOpenness: "closed",
        codeOpenness: "open",
        outputsMayTrain: true,
        parameterCount: 70_000_000_000,
      }),
    ]);
    expect(res.body).not.toContain("10.0.0.7");
    expect(res.body).not.toContain("TEACHER_SECRET_VAR");
    expect(res.json().data[0]).not.toHaveProperty("source");
  });

  it("is for admin keys only", async () => {
    expect((await server.call(server.other.chat, { url: "/api/models" })).statusCode).toBe(403);
    expect((await server.call(undefined, { url: "/api/models" })).statusCode).toBe(401);
  });
});
