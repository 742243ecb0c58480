import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetriever } from "../../knowledge/index.js";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
  await server.call(server.other.admin, {
    method: "PUT",
    url: "/api/agents/bakery",
    payload: agentSpec("bakery"),
  });
  const form = new FormData();
  form.append("file", new Blob([horarios]), "horarios.md");
  form.append("file", new Blob([envios]), "envios.md");
  const res = await server.call(server.other.admin, {
    method: "POST",
    url: "/api/agents/bakery/knowledge",
    payload: form,
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(() => server.close());

const horarios = `# Horarios

## Entre semana

Abrimos de lunes a sábado de 8:00 a 14:00.

## Domingo

El domingo abrimos de 9:00 a 13:00.
`;
const envios = "# Envíos\n\nHacemos envíos a Ruzafa y Benimaclet por 3 euros.\n";

async function sources() {
  const res = await server.call(server.other.admin, { url: "/api/agents/bakery/knowledge" });
  return res.json().data as { id: string; uri: string; chunkCount: number }[];
}

describe("GET /api/agents/:name/knowledge/:sourceId/chunks", () => {
  it("shows one document's chunks in order, none of another's, at most `limit`", async () => {
    const [first, second] = await sources();
    for (const source of [first!, second!]) {
      const res = await server.call(server.other.admin, {
        url: `/api/agents/bakery/knowledge/${source.id}/chunks`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const chunks = res.json().data as { ordinal: number; text: string; location: string }[];
      expect(chunks).toHaveLength(source.chunkCount);
      expect(chunks.map((c) => c.ordinal)).toEqual([...chunks.map((c) => c.ordinal)].sort((a, b) => a - b));
      const text = chunks.map((c) => c.text).join("\n");
      if (source.uri === "horarios.md") {
        expect(text).toContain("domingo abrimos");
        expect(text).not.toContain("Ruzafa");
      } else {
        expect(text).toContain("Ruzafa");
        expect(text).not.toContain("domingo");
      }
    }
    const horariosSource = (await sources()).find((s) => s.uri === "horarios.md")!;
    expect(horariosSource.chunkCount).toBeGreaterThan(1);
    const one = await server.call(server.other.admin, {
      url: `/api/agents/bakery/knowledge/${horariosSource.id}/chunks?limit=1`,
    });
    expect(one.json().data).toHaveLength(1);
  });

  it("answers 404 for a source that is not this agent's, 400 for a bad limit", async () => {
    const missing = await server.call(server.other.admin, {
      url: "/api/agents/bakery/knowledge/src_nope/chunks",
    });
    expect(missing.statusCode).toBe(404);
    const [source] = await sources();
    const bad = await server.call(server.other.admin, {
      url: `/api/agents/bakery/knowledge/${source!.id}/chunks?limit=0`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe("limit");
  });
});

describe("GET /api/agents/:name/knowledge/search", () => {
  it("returns what the agent's retriever returns for the question, best first", async () => {
    const res = await server.call(server.other.admin, {
      url: `/api/agents/bakery/knowledge/search?q=${encodeURIComponent("¿abrís el domingo?")}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      confidence: number;
      data: { source: { uri: string }; chunk: { id: string }; confidence: number; excerpt: string | null }[];
    };
    expect(body.data[0]?.source.uri).toBe("horarios.md");
    expect(body.data[0]?.excerpt).toMatch(/9:00 a 13:00/);
    expect(body.confidence).toBe(body.data[0]?.confidence);
    // The very retriever a turn uses, over the same store.
    const agent = (await server.store.agents.getByName(server.other.tenant.id, "bakery"))!;
    const direct = await createRetriever({ store: server.store }).search({
      tenantId: agent.tenantId,
      agentId: agent.id,
      query: "¿abrís el domingo?",
      limit: 5,
    });
    expect(body.data.map((h) => h.chunk.id)).toEqual(direct.map((h) => h.chunk.id));
  });

  it("says nothing found with confidence 0, and refuses an empty query by name", async () => {
    const none = await server.call(server.other.admin, {
      url: "/api/agents/bakery/knowledge/search?q=xilófono",
    });
    expect(none.json()).toMatchObject({ confidence: 0, data: [] });
    const empty = await server.call(server.other.admin, { url: "/api/agents/bakery/knowledge/search?q=" });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.param).toBe("q");
    const unknown = await server.call(server.other.admin, {
      url: "/api/agents/nobody/knowledge/search?q=pan",
    });
    expect(unknown.statusCode).toBe(404);
  });
});
