import { afterEach, describe, expect, it } from "vitest";
import type { ChunkInput } from "../spec/knowledge.js";
import type { Store } from "../spec/store.js";
import { storeWithAgent } from "./knowledge-test.fixture.js";
import { maxChunksPerTransaction, writeSource } from "./write-source.js";

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
});

function chunks(n: number, word: string): ChunkInput[] {
  return Array.from({ length: n }, (_, i) => ({
    ordinal: i,
    title: `Página ${i + 1}`,
    text: `${word} ${i}: condiciones del servicio, plazos, precios y devoluciones del pedido número ${i}.`,
    location: `page ${i + 1}`,
    metadata: {},
  }));
}

describe("writeSource", () => {
  it("stores 5,000 chunks in one transaction, in slices, never holding the event loop long", async () => {
    const seeded = await storeWithAgent();
    store = seeded.store;
    const ids = { tenantId: seeded.tenant.id, agentId: seeded.agent.id };
    const input = { ...ids, uri: "condiciones.pdf", kind: "pdf" as const, contentHash: "h1", bytes: 1 };
    await writeSource(store, { ...input, chunks: chunks(3, "antiguo") });

    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    const source = await writeSource(store, { ...input, contentHash: "h2", chunks: chunks(5000, "nuevo") });
    clearInterval(timer);

    expect(source).toMatchObject({ uri: "condiciones.pdf", contentHash: "h2", chunkCount: 5000 });
    expect(await store.knowledge.listSources(ids.tenantId, ids.agentId)).toEqual([source]);
    // The replaced source's chunks are gone; every new one is indexed, in order.
    expect(await store.knowledge.searchText(ids.tenantId, ids.agentId, "antiguo", 5)).toEqual([]);
    expect(await store.knowledge.searchText(ids.tenantId, ids.agentId, "nuevo", 1000)).toHaveLength(1000);
    const listed = await store.knowledge.listChunks(ids.tenantId, ids.agentId, { limit: 10_000 });
    expect(listed.map((c) => c.ordinal)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(listed.at(-1)).toMatchObject({ location: "page 5000", sourceId: source.id });
    // One putSource of 5,000 chunks holds it for about half a second on a slow core.
    expect(longest).toBeLessThan(100);
  });

  it("commits a source larger than maxChunksPerTransaction in several, its hash provisional until the last", async () => {
    const seeded = await storeWithAgent();
    store = seeded.store;
    const ids = { tenantId: seeded.tenant.id, agentId: seeded.agent.id };
    const input = { ...ids, uri: "filas.jsonl", kind: "json" as const, bytes: 1 };
    const n = maxChunksPerTransaction + 500;
    const hashes: string[] = [];
    const watched: Store = {
      ...store,
      transaction: (fn) =>
        store!.transaction(async (tx) => {
          const source = await fn(tx);
          hashes.push((source as { contentHash: string }).contentHash);
          return source;
        }),
    };
    const source = await writeSource(watched, { ...input, contentHash: "h1", chunks: chunks(n, "fila") });
    expect(hashes).toEqual(["pending:h1", "h1"]);
    expect(source).toMatchObject({ contentHash: "h1", chunkCount: n });
    const listed = await store.knowledge.listChunks(ids.tenantId, ids.agentId, { limit: 10_000 });
    expect(listed.map((c) => c.ordinal)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it("leaves the old source whole when a slice fails", async () => {
    const seeded = await storeWithAgent();
    store = seeded.store;
    const ids = { tenantId: seeded.tenant.id, agentId: seeded.agent.id };
    const input = { ...ids, uri: "faq.md", kind: "markdown" as const, bytes: 1 };
    await writeSource(store, { ...input, contentHash: "h1", chunks: chunks(3, "antiguo") });
    const twice = [...chunks(500, "nuevo"), { ...chunks(1, "repetido")[0]!, ordinal: 7 }];
    await expect(writeSource(store, { ...input, contentHash: "h2", chunks: twice })).rejects.toMatchObject({
      kind: "unique",
    });
    expect(await store.knowledge.listSources(ids.tenantId, ids.agentId)).toMatchObject([
      { contentHash: "h1", chunkCount: 3 },
    ]);
    expect(await store.knowledge.searchText(ids.tenantId, ids.agentId, "antiguo", 5)).toHaveLength(3);
  });
});
