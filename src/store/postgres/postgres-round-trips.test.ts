/**
 * How many round trips the calls of a turn and of a worker's poll cost on
 * PostgreSQL, counted on node-pg's `Client.query` (every statement the store
 * sends goes through it): a short text search counts the agent's hidden
 * chunks in its own statement, two messages are appended in one, and the
 * jobs' count and poll are one each. What they return is the conformance
 * suites' business; here only how often they reach the server.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { chunkInputs, hitTexts, putTexts, seedAgent } from "../conformance/knowledge-kit.conformance.js";
import { openStore } from "../open-store.js";
import { describePostgres, freshPostgresUrl } from "./postgres-test-server.fixture.js";

/** The statements `fn` sends, counted while it runs (nothing else runs on this store meanwhile). */
async function roundTrips<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const query = pg.Client.prototype.query;
  let count = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    count += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    return { result: await fn(), count };
  } finally {
    pg.Client.prototype.query = query;
  }
}

describePostgres("postgres store: round trips", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await freshPostgresUrl("trips"));
  });
  afterAll(async () => {
    await store?.close();
  });

  it("searches text in one round trip when the hits are short and nothing is hidden, two when something is", async () => {
    const seeded = await seedAgent(store);
    const { tenant, agent } = seeded;
    await putTexts(store, seeded, "faq.md", ["pan de centeno", "pan de trigo", "tarta de queso"]);
    const short = await roundTrips(() => store.knowledge.searchText(tenant.id, agent.id, "pan", 5));
    expect(hitTexts(short.result).sort()).toEqual(["pan de centeno", "pan de trigo"]);
    expect(short.count).toBe(1);
    const none = await roundTrips(() => store.knowledge.searchText(tenant.id, agent.id, "croissant", 5));
    expect(none).toEqual({ result: [], count: 1 });

    // Staged chunks that rank above the live ones: the count rides on the first search, the second fetches more.
    await store.knowledge.stageSource({
      tenantId: tenant.id,
      agentId: agent.id,
      uri: "catalogo.pdf",
      kind: "pdf",
      contentHash: "staged",
      bytes: 1,
      chunks: chunkInputs(Array.from({ length: 10 }, (_, i) => `Pan: pan pan pan ${i}`)),
    });
    const hidden = await roundTrips(() => store.knowledge.searchText(tenant.id, agent.id, "pan", 2));
    expect(hitTexts(hidden.result).sort()).toEqual(["pan de centeno", "pan de trigo"]);
    expect(hidden.count).toBe(2);
  });

  it("appends a turn's two messages in one round trip", async () => {
    const { tenant, agent } = await seedAgent(store);
    const conversation = await store.conversations.create({
      tenantId: tenant.id,
      agentId: agent.id,
      externalUserId: "c",
    });
    const appended = await roundTrips(() =>
      store.messages.appendAll(conversation.id, [
        { role: "user", content: "¿Abrís el domingo?" },
        { role: "assistant", content: "Sí, de 8 a 14." },
      ]),
    );
    expect(appended.count).toBe(1);
    expect(appended.result.map((m) => m.seq)).toEqual([1, 2]);
  });

  it("counts a tenant's unfinished jobs and polls for claimable ones in one round trip each", async () => {
    const { tenant } = await seedAgent(store);
    for (let i = 0; i < 3; i++) await store.jobs.enqueue({ kind: "ingest", tenantId: tenant.id, payload: i });
    const counted = await roundTrips(() =>
      store.jobs.countUnfinished({ kind: "ingest", tenantId: tenant.id }),
    );
    expect(counted).toEqual({ result: 3, count: 1 });
    const idle = await roundTrips(() => store.jobs.claimable({ kinds: ["train"], limit: 8 }));
    expect(idle).toEqual({ result: [], count: 1 });
    const found = await roundTrips(() => store.jobs.claimable({ kinds: ["ingest", "train"], limit: 2 }));
    expect(found.count).toBe(1);
    expect(found.result).toEqual([
      { id: expect.any(String), kind: "ingest" },
      { id: expect.any(String), kind: "ingest" },
    ]);
  });
});
