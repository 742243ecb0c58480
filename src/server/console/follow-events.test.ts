import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../../web/console/src/api/api-types.js";
import { followEvents } from "../../../web/console/src/api/follow-events.js";
import { type ApiServer, emptyCatalog, startApiServer } from "../api/api-server.fixture.js";
import { createServer } from "../create-server.js";

/**
 * The console's inbox stream (web/console/src/api/follow-events.ts, run here
 * in Node: the same `fetch` and streams as a browser's) against the real
 * server, which is stopped and started again under it: the inbox reconnects
 * by itself and gets what changed while the server was away.
 */
let server: ApiServer;
let port: number;
let agentId: string;
beforeAll(async () => {
  server = await startApiServer();
  const address = await server.app.listen({ port: 0, host: "127.0.0.1" });
  port = Number(new URL(address).port);
  await server.call(server.other.admin, {
    method: "PUT",
    url: "/api/agents/rosa",
    payload: { persona: "Rosa." },
  });
  agentId = (await server.store.agents.getByName(server.other.tenant.id, "rosa"))!.id;
});
afterAll(() => server.close());

describe("the console's conversation stream", () => {
  it("follows changes live, reconnects after the server restarts, and catches up on what it missed", async () => {
    const tenantId = server.other.tenant.id;
    const events: ConversationEvent[] = [];
    const connections: boolean[] = [];
    const refused: number[] = [];
    const stop = followEvents({
      key: server.other.admin,
      baseUrl: `http://127.0.0.1:${port}`,
      onEvent: (event) => events.push(event),
      onConnection: (connected) => connections.push(connected),
      onRefused: (status) => refused.push(status),
    });
    const ids = () =>
      events.flatMap((e) =>
        e.type === "conversation" ? [`${e.conversation.id} ${e.conversation.status}`] : [],
      );
    try {
      await expect.poll(() => connections).toEqual([true]);
      const first = await server.store.conversations.create({ tenantId, agentId, externalUserId: "a" });
      await expect.poll(() => ids(), { timeout: 5_000 }).toEqual([`${first.id} bot`]);

      // The server goes away; meanwhile a conversation starts and another waits for a person.
      await server.app.close();
      await expect.poll(() => connections.at(-1), { timeout: 5_000 }).toBe(false);
      const missed = await server.store.conversations.create({ tenantId, agentId, externalUserId: "b" });
      await server.store.conversations.setStatus(tenantId, first.id, "waiting_human");
      const again = createServer({ store: server.store, models: emptyCatalog });
      await again.listen({ port, host: "127.0.0.1" });
      try {
        await expect.poll(() => connections.at(-1), { timeout: 10_000 }).toBe(true);
        await expect
          .poll(() => ids().slice(1).sort(), { timeout: 5_000 })
          .toEqual([`${first.id} waiting_human`, `${missed.id} bot`].sort());
        expect(refused).toEqual([]);
      } finally {
        stop();
        await again.close();
      }
    } finally {
      stop();
    }
  }, 30_000);

  it("stops at a refused key instead of retrying", async () => {
    const refused: number[] = [];
    const stop = followEvents({
      key: server.other.chat,
      baseUrl: `http://127.0.0.1:${port}`,
      onEvent: () => {},
      onConnection: () => {},
      onRefused: (status) => refused.push(status),
    });
    // The first test closed the fixture's app: serve again on the same port for this one.
    const again = createServer({ store: server.store, models: emptyCatalog });
    await again.listen({ port, host: "127.0.0.1" });
    try {
      await expect.poll(() => refused, { timeout: 10_000 }).toEqual([403]);
    } finally {
      stop();
      await again.close();
    }
  }, 20_000);
});
