import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

/** The events of one stream, read as the console reads them: `fetch` with the key in a header. */
async function openEvents(url: string, key: string, query = "") {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/conversation-events${query}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: controller.signal,
  });
  const events: Record<string, unknown>[] = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)));
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return { res, events, done, close: () => controller.abort() };
}

let server: ApiServer;
let url: string;
let agentId: string;
let otherAgentId: string;
beforeAll(async () => {
  server = await startApiServer({ drainMs: 5_000 });
  url = (await server.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  for (const [keys, name] of [
    [server.other, "rosa"],
    [server.operator, "mine"],
  ] as const) {
    await server.call(keys.admin, { method: "PUT", url: `/api/agents/${name}`, payload: agentSpec(name) });
  }
  agentId = (await server.store.agents.getByName(server.other.tenant.id, "rosa"))!.id;
  otherAgentId = (await server.store.agents.getByName(server.operator.tenant.id, "mine"))!.id;
});
afterAll(() => server.close());

describe("GET /api/conversation-events", () => {
  it("sends the snapshot, then each change of the tenant's conversations live, and none of another tenant's", async () => {
    const { store } = server;
    const tenantId = server.other.tenant.id;
    const old = await store.conversations.create({ tenantId, agentId, externalUserId: "phone:old" });
    const stream = await openEvents(url, server.other.admin);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await expect.poll(() => stream.events.map((e) => e.type)).toEqual(["conversation", "ready"]);
    expect(stream.events[0]).toMatchObject({ conversation: { id: old.id, status: "bot" } });

    const foreign = await store.conversations.create({
      tenantId: server.operator.tenant.id,
      agentId: otherAgentId,
      externalUserId: "phone:foreign",
    });
    const fresh = await store.conversations.create({ tenantId, agentId, externalUserId: "phone:new" });
    await expect
      .poll(() => stream.events.filter((e) => e.type === "conversation").length, { timeout: 5_000 })
      .toBe(2);
    await store.conversations.setStatus(tenantId, fresh.id, "waiting_human");
    await expect
      .poll(
        () =>
          stream.events.some(
            (e) =>
              e.type === "conversation" &&
              (e.conversation as { id: string; status: string }).status === "waiting_human",
          ),
        { timeout: 5_000 },
      )
      .toBe(true);
    await store.messages.append({ conversationId: old.id, role: "user", content: "¿sigue abierto?" });
    await expect
      .poll(() => stream.events.filter((e) => JSON.stringify(e).includes(old.id)).length, { timeout: 5_000 })
      .toBe(2);
    await store.agents.remove(tenantId, agentId);
    await expect
      .poll(() => stream.events.filter((e) => e.type === "removed").length, { timeout: 5_000 })
      .toBe(2);
    expect(JSON.stringify(stream.events)).not.toContain(foreign.id);
    stream.close();
    await stream.done;
  });

  it("sends only what changed since `since`, and ends after `wait` seconds with `end`", async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const stream = await openEvents(url, server.operator.admin, `?since=${later}&wait=0`);
    await stream.done;
    expect(stream.events.map((e) => e.type)).toEqual(["ready", "end"]);
    const all = await openEvents(url, server.operator.admin, "?wait=0");
    await all.done;
    expect(all.events.map((e) => e.type)).toEqual(["conversation", "ready", "end"]);
  });

  it("refuses a chat key, a bad query, and no key", async () => {
    expect(
      (await server.call(server.other.chat, { url: "/api/conversation-events?wait=0" })).statusCode,
    ).toBe(403);
    const bad = await server.call(server.other.admin, { url: "/api/conversation-events?since=yesterday" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe("since");
    const unknown = await server.call(server.other.admin, { url: "/api/conversation-events?stauts=closed" });
    expect(unknown.json().error.param).toBe("stauts");
    expect((await server.call(undefined, { url: "/api/conversation-events" })).statusCode).toBe(401);
  });

  it("ends a stream whose key is revoked while it is open", async () => {
    const tenantId = server.operator.tenant.id;
    const made = await server.store.apiKeys.create({ tenantId, name: "revoked soon", scopes: ["admin"] });
    const stream = await openEvents(url, made.secret, "?wait=3600");
    await expect.poll(() => stream.events.some((e) => e.type === "ready")).toBe(true);
    await server.store.apiKeys.revoke(tenantId, made.key.id);
    await stream.done;
    expect(stream.events.at(-1)?.type).toBe("end");
    const again = await fetch(`${url}/api/conversation-events?wait=0`, {
      headers: { authorization: `Bearer ${made.secret}` },
    });
    expect(again.status).toBe(401);
  });

  it("ends open streams with `end` when the server shuts down, without waiting for `wait`", async () => {
    const stream = await openEvents(url, server.operator.admin, "?wait=3600");
    await expect.poll(() => stream.events.some((e) => e.type === "ready")).toBe(true);
    const started = Date.now();
    await server.app.close();
    await stream.done;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(stream.events.at(-1)?.type).toBe("end");
  });
});
