import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
const ids: Record<string, string> = {};
beforeAll(async () => {
  server = await startApiServer();
  const tenantId = server.other.tenant.id;
  const agent = await server.store.agents.create({
    tenantId,
    name: "bakery",
    spec: agentSpec("bakery") as never,
  });
  // A conversation that changed language, one in English, one the agent has not answered yet.
  for (const [name, languages] of [
    ["switched", ["en", "es"]],
    ["english", ["en"]],
    ["unanswered", []],
  ] as const) {
    const c = await server.store.conversations.create({ tenantId, agentId: agent.id, externalUserId: name });
    ids[name] = c.id;
    await server.store.messages.append({ conversationId: c.id, role: "user", content: "hi" });
    for (const language of languages) {
      await server.store.messages.append({
        conversationId: c.id,
        role: "assistant",
        content: "…",
        metadata: { mode: "retrieval", language },
      });
    }
  }
});
afterAll(() => server.close());

describe("GET /api/conversation-languages", () => {
  it("gives each answered conversation the language of its last answer", async () => {
    const res = await server.call(server.other.admin, { url: "/api/conversation-languages" });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data as { id: string; language: string }[];
    expect(Object.fromEntries(data.map((d) => [d.id, d.language]))).toEqual({
      [ids.switched!]: "es",
      [ids.english!]: "en",
    });
  });

  it("shows another tenant only its own, and takes no query", async () => {
    const other = await server.call(server.operator.admin, { url: "/api/conversation-languages" });
    expect(other.json().data).toEqual([]);
    const bad = await server.call(server.other.admin, { url: "/api/conversation-languages?lang=es" });
    expect(bad.statusCode).toBe(400);
  });
});
