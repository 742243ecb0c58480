import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { ModelRegistry } from "../models/model-registry.js";
import { type ApiServer, agentSpec, startApiServer } from "../server/api/api-server.fixture.js";
import type { Store } from "../spec/store.js";
import { openStore } from "../store/open-store.js";

/**
 * `saveAgent` is the one save path: `PUT /api/agents/:name` refuses what `agents create`
 * refuses (the CLI's side: src/cli/agents/register-agent-file.test.ts).
 */
describe("saving an agent over /api", () => {
  let server: ApiServer;
  let catalogStore: Store;

  beforeAll(async () => {
    catalogStore = await openStore(join(mkdtempSync(join(tmpdir(), "alq-save-agent-")), "alambique.db"));
    const models = new ModelRegistry({
      store: catalogStore,
      declared: { tiny: { gguf: await forgedModelPath("tiny", 1) } },
    });
    server = await startApiServer({ models });
  });
  afterAll(async () => {
    await server.close();
    await catalogStore.close();
  });

  const put = (name: string, spec: unknown) =>
    server.call(server.other.admin, {
      method: "PUT",
      url: `/api/agents/${name}`,
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(spec),
    });

  it("refuses models missing from the catalog, naming each, without this machine's files", async () => {
    const res = await put("rosa", agentSpec("rosa", { model: "llama3.1:8b", embeddingModel: "nomic" }));
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json() as { error: { message: string; param: string; code: string } };
    expect(error.param).toBe("model");
    expect(error.message).toContain("refers to 2 things that do not exist");
    expect(error.message).toContain(
      'model: "llama3.1:8b" is not in the model catalog (the catalog has: tiny)',
    );
    expect(error.message).toContain('embeddingModel: "nomic" is not in the model catalog');
    // A tenant is told nothing about the server's own disk.
    expect(error.message).not.toContain("ollama");
    expect((await server.call(server.other.admin, { url: "/api/agents/rosa" })).statusCode).toBe(404);
  });

  it("saves an agent whose model is in the catalog; its knowledge paths are stored, not read", async () => {
    const res = await put("rosa", agentSpec("rosa", { model: "tiny", knowledge: ["docs/not-here"] }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().spec).toMatchObject({ model: "tiny", knowledge: ["docs/not-here"] });
  });
});
