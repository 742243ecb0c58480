import { afterEach, describe, expect, it } from "vitest";
import type { ChunkInput } from "../spec/knowledge.js";
import type { Store } from "../spec/store.js";
import { storeWithAgent } from "./knowledge-test.fixture.js";
import { writeSource } from "./write-source.js";

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
});

const future = "9999-01-01T00:00:00.000Z";

function chunks(n: number, word: string): ChunkInput[] {
  return Array.from({ length: n }, (_, i) => ({
    ordinal: i,
    title: `Página ${i + 1}`,
    text: `${word} ${i}: condiciones del servicio, plazos, precios y devoluciones del pedido número ${i}.`,
    location: `page ${i + 1}`,
    metadata: {},
  }));
}

async function seed() {
  const seeded = await storeWithAgent();
  store = seeded.store;
  return { store: seeded.store, ids: { tenantId: seeded.tenant.id, agentId: seeded.agent.id } };
}

describe("writeSource", () => {
  it("writes 5,000 chunks in short slices that other calls run between; readers see the old version or the new, never a mix", async () => {
    const { store, ids } = await seed();
    const input = { ...ids, uri: "condiciones.pdf", kind: "pdf" as const, contentHash: "h1", bytes: 1 };
    await writeSource(store, { ...input, chunks: chunks(3, "antiguo") });

    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    let done = false;
    const seen: string[] = [];
    const reader = (async () => {
      while (!done) {
        // Both versions have "condiciones" in every chunk: one search shows which version answers.
        const hits = await store.knowledge.searchText(ids.tenantId, ids.agentId, "condiciones", 10);
        const [listed] = await store.knowledge.listSources(ids.tenantId, ids.agentId);
        const words = new Set(hits.map((hit) => hit.chunk.text.split(" ")[0]));
        seen.push(`${[...words].join("+")} ${hits.length}`, `${listed?.contentHash} ${listed?.chunkCount}`);
      }
    })();
    const source = await writeSource(store, { ...input, contentHash: "h2", chunks: chunks(5000, "nuevo") });
    done = true;
    clearInterval(timer);
    await reader;

    expect(source).toMatchObject({ uri: "condiciones.pdf", contentHash: "h2", chunkCount: 5000 });
    // Reads were answered while the source was written (one transaction queued them all until its commit)…
    expect(seen.filter((s) => s === "antiguo 3").length).toBeGreaterThan(10);
    // …each from the old version, whole, or the new one, whole, and the old never again after the new.
    expect([...new Set(seen)].every((s) => ["antiguo 3", "h1 3", "nuevo 10", "h2 5000"].includes(s))).toBe(
      true,
    );
    const firstNew = seen.findIndex((s) => s.startsWith("nuevo") || s.startsWith("h2"));
    expect(
      seen
        .slice(firstNew === -1 ? seen.length : firstNew)
        .some((s) => s.startsWith("antiguo") || s.startsWith("h1")),
    ).toBe(false);
    expect(await store.knowledge.listSources(ids.tenantId, ids.agentId)).toEqual([source]);
    expect(await store.knowledge.searchText(ids.tenantId, ids.agentId, "antiguo", 5)).toEqual([]);
    expect(await store.knowledge.searchText(ids.tenantId, ids.agentId, "nuevo", 1000)).toHaveLength(1000);
    const listed = await store.knowledge.listChunks(ids.tenantId, ids.agentId, { limit: 10_000 });
    expect(listed.map((c) => c.ordinal)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(listed.at(-1)).toMatchObject({ location: "page 5000", sourceId: source.id });
    // The replaced version's rows are gone, not only hidden.
    expect(await store.knowledge.abandonedSources(ids.tenantId, ids.agentId, future)).toEqual([]);
    // One putSource of 5,000 chunks holds the event loop for all of its work (about half a second on
    // a slow core): measured here, beside, as the reference, since a loaded machine stretches both
    // (on a quiet one the longest gap is under 100 ms; at load 20 on 2 cores, descheduling alone makes
    // gaps of 200 ms).
    const started = performance.now();
    await store.knowledge.putSource({ ...input, uri: "whole.pdf", chunks: chunks(5000, "entero") });
    const whole = performance.now() - started;
    expect(longest).toBeLessThan(Math.max(100, whole));
  });

  it("leaves the old source whole and nothing hidden behind when a slice fails", async () => {
    const { store, ids } = await seed();
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
    expect(await store.knowledge.abandonedSources(ids.tenantId, ids.agentId, future)).toEqual([]);
  });

  it("removes what a dead writer left when it next ingests into the agent, and leaves a live writer's alone", async () => {
    const { store, ids } = await seed();
    const input = { ...ids, uri: "manual.pdf", kind: "pdf" as const, contentHash: "h1", bytes: 1 };
    await writeSource(store, { ...input, chunks: chunks(40, "antiguo") });
    // A writer that died after two batches (committed, never published).
    const dead = await store.knowledge.stageSource({
      ...input,
      contentHash: "h2",
      chunks: chunks(16, "nuevo"),
    });
    await store.knowledge.appendChunks({ ...ids, sourceId: dead.id, chunks: chunks(40, "nuevo").slice(16) });

    // Written just now: taken for a writer still at work.
    await writeSource(store, { ...input, uri: "otro.md", contentHash: "h3", chunks: chunks(2, "otro") });
    expect(await store.knowledge.abandonedSources(ids.tenantId, ids.agentId, future)).toEqual([
      { id: dead.id },
    ]);

    const again = await writeSource(
      store,
      { ...input, contentHash: "h2", chunks: chunks(40, "nuevo") },
      {
        abandonedAfterMs: 0,
      },
    );
    expect(await store.knowledge.abandonedSources(ids.tenantId, ids.agentId, future)).toEqual([]);
    const listed = await store.knowledge.listChunks(ids.tenantId, ids.agentId, { limit: 1000 });
    expect(listed.filter((c) => c.sourceId === again.id)).toHaveLength(40);
    expect(listed).toHaveLength(42);
  });

  it("writes two versions of one uri at once: one live, nothing left behind", async () => {
    const { store, ids } = await seed();
    const input = { ...ids, uri: "precios.csv", kind: "csv" as const, bytes: 1 };
    const [a, b] = await Promise.all([
      writeSource(store, { ...input, contentHash: "ha", chunks: chunks(300, "alfa") }),
      writeSource(store, { ...input, contentHash: "hb", chunks: chunks(200, "beta") }),
    ]);
    const sources = await store.knowledge.listSources(ids.tenantId, ids.agentId);
    expect(sources).toHaveLength(1);
    expect([a!.id, b!.id]).toContain(sources[0]!.id);
    const listed = await store.knowledge.listChunks(ids.tenantId, ids.agentId, { limit: 1000 });
    expect(listed).toHaveLength(sources[0]!.chunkCount);
    expect(await store.knowledge.abandonedSources(ids.tenantId, ids.agentId, future)).toEqual([]);
  });
});
