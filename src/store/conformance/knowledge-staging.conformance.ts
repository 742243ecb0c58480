import { describe, expect, it } from "vitest";
import type { KnowledgeSource } from "../../spec/knowledge.js";
import type { Store } from "../../spec/store.js";
import {
  chunkInputs,
  hitTexts,
  putTexts,
  type SeededAgent,
  seedAgent,
  vector,
} from "./knowledge-kit.conformance.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectNotFound, seedTenant } from "./store-test-kit.conformance.js";

export const future = "9999-01-01T00:00:00.000Z";
const past = "2000-01-01T00:00:00.000Z";

export function stageTexts(
  store: Store,
  { tenant, agent }: SeededAgent,
  uri: string,
  texts: readonly string[],
) {
  return store.knowledge.stageSource({
    tenantId: tenant.id,
    agentId: agent.id,
    uri,
    kind: "pdf",
    contentHash: `staged-${uri}-${texts.length}`,
    bytes: 1,
    chunks: chunkInputs(texts),
  });
}

/** Appends chunks with ordinals from `from` on. */
function appendTexts(
  store: Store,
  seeded: SeededAgent,
  source: KnowledgeSource,
  from: number,
  texts: string[],
) {
  return store.knowledge.appendChunks({
    tenantId: seeded.tenant.id,
    agentId: seeded.agent.id,
    sourceId: source.id,
    chunks: chunkInputs(texts).map((chunk, i) => ({ ...chunk, ordinal: from + i })),
  });
}

/** Everything a reader of the agent can see, as plain data. */
export async function visible(store: Store, { tenant, agent }: SeededAgent, word: string) {
  const sources = await store.knowledge.listSources(tenant.id, agent.id);
  const chunks = await store.knowledge.listChunks(tenant.id, agent.id, { limit: 1000 });
  return {
    sources: sources.map((s) => [s.uri, s.contentHash, s.chunkCount]),
    chunks: chunks.map((c) => c.text),
    found: hitTexts(await store.knowledge.searchText(tenant.id, agent.id, word, 1000)).length,
    pending: (await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "m", 1000)).length,
  };
}

async function purgeAll(store: Store, tenantId: string, id: string, limit: number): Promise<number> {
  let calls = 0;
  for (let left = 1; left > 0; calls += 1) left = await store.knowledge.purgeSource(tenantId, id, limit);
  return calls;
}

export function describeKnowledgeStaging(kit: StoreTestKit): void {
  describe("knowledge: staged sources", () => {
    it("hides a staged version from every read until its swap; then the new one answers, whole", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      const old = await putTexts(store, seeded, "manual.pdf", ["antiguo uno", "antiguo dos", "antiguo tres"]);
      const before = await visible(store, seeded, "antiguo");

      let staged = await stageTexts(store, seeded, "manual.pdf", ["nuevo 0", "nuevo 1"]);
      expect(staged).toMatchObject({ uri: "manual.pdf", chunkCount: 2, contentHash: "staged-manual.pdf-2" });
      staged = await appendTexts(store, seeded, staged, 2, ["nuevo 2", "nuevo 3", "nuevo 4"]);
      expect(staged.chunkCount).toBe(5);
      expect(await visible(store, seeded, "antiguo")).toEqual(before);
      expect(await visible(store, seeded, "nuevo")).toMatchObject({ found: 0, chunks: before.chunks });
      expect(await store.knowledge.getSource(tenant.id, agent.id, "manual.pdf")).toEqual(old);
      await expectNotFound(store.knowledge.removeSource(tenant.id, staged.id));

      const { source, retired } = await store.knowledge.publishSource({
        tenantId: tenant.id,
        agentId: agent.id,
        sourceId: staged.id,
        contentHash: "h-final",
      });
      expect(retired).toBe(old.id);
      expect(source).toMatchObject({
        id: staged.id,
        uri: "manual.pdf",
        contentHash: "h-final",
        chunkCount: 5,
      });
      expect(source.createdAt).toBe(old.createdAt);
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([source]);
      expect(await visible(store, seeded, "antiguo")).toMatchObject({ found: 0, pending: 5 });
      expect((await visible(store, seeded, "nuevo")).found).toBe(5);
      // The retired version is hidden at once and left for purgeSource, in batches.
      expect(await store.knowledge.abandonedSources(tenant.id, agent.id, past)).toEqual([{ id: old.id }]);
      expect(await purgeAll(store, tenant.id, old.id, 2)).toBe(2);
      expect(await store.knowledge.abandonedSources(tenant.id, agent.id, future)).toEqual([]);
      await expectNotFound(store.knowledge.purgeSource(tenant.id, source.id, 10));
      await expectNotFound(
        store.knowledge.publishSource({ tenantId: tenant.id, agentId: agent.id, sourceId: staged.id }),
      );
    });

    it("fills a search's limit with live hits while hidden chunks rank above them", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "faq.md", ["pan de centeno", "pan de trigo"]);
      const loud = Array.from({ length: 30 }, (_, i) => `Pan: pan pan pan ${i}`);
      await stageTexts(store, seeded, "catalogo.pdf", loud);
      const hits = await store.knowledge.searchText(tenant.id, agent.id, "pan", 2);
      expect(hitTexts(hits).sort()).toEqual(["pan de centeno", "pan de trigo"]);

      // Vectors: a retired version keeps its vectors until purged; a staged one gets none.
      const [live] = await store.knowledge.listChunks(tenant.id, agent.id, { limit: 1 });
      await store.knowledge.putVectors(tenant.id, agent.id, "m", [
        { chunkId: live!.id, vector: vector(1, 0) },
      ]);
      const versioned = await putTexts(store, seeded, "precios.md", ["precio viejo"]);
      const [oldChunk] = (await store.knowledge.listChunks(tenant.id, agent.id, { limit: 10 })).filter(
        (c) => c.sourceId === versioned.id,
      );
      await store.knowledge.putVectors(tenant.id, agent.id, "m", [
        { chunkId: oldChunk!.id, vector: vector(0, 1) },
      ]);
      const next = await stageTexts(store, seeded, "precios.md", ["precio nuevo"]);
      const pending = await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "m", 100);
      expect(pending.map((c) => c.text)).toEqual(["pan de trigo"]);
      await store.knowledge.publishSource({ tenantId: tenant.id, agentId: agent.id, sourceId: next.id });
      const nearest = await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1), 1);
      expect(hitTexts(nearest)).toEqual(["pan de centeno"]);
      await expectNotFound(
        store.knowledge.putVectors(tenant.id, agent.id, "m", [
          { chunkId: oldChunk!.id, vector: vector(0, 1) },
        ]),
      );
      expect(await store.knowledge.getChunks(tenant.id, [oldChunk!.id])).toEqual([]);
    });

    it("publishes two versions of one uri one after the other, at once or not: one live, the others retired", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "menu.md", ["menú 1"]);
      const staged = await Promise.all(
        ["a", "b", "c"].map((v) => stageTexts(store, seeded, "menu.md", [`menú ${v}`])),
      );
      const published = await Promise.all(
        staged.map((s) =>
          store.knowledge.publishSource({ tenantId: tenant.id, agentId: agent.id, sourceId: s.id }),
        ),
      );
      const sources = await store.knowledge.listSources(tenant.id, agent.id);
      expect(sources).toHaveLength(1);
      expect(published.map((p) => p.source.id)).toContain(sources[0]!.id);
      expect(published.filter((p) => p.retired !== null)).toHaveLength(3);
      const abandoned = await store.knowledge.abandonedSources(tenant.id, agent.id, past);
      expect(abandoned).toHaveLength(3);
      for (const { id } of abandoned) await purgeAll(store, tenant.id, id, 100);
      expect(await store.knowledge.abandonedSources(tenant.id, agent.id, future)).toEqual([]);
      expect((await visible(store, seeded, "menú")).chunks).toHaveLength(1);
    });

    it("keeps staged sources to their tenant and agent; a fresh one is not abandoned, a stale one is", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const other = await seedAgent(store, await seedTenant(store));
      const staged = await stageTexts(store, seeded, "x.pdf", ["equis"]);
      const ids = { tenantId: other.tenant.id, agentId: other.agent.id, sourceId: staged.id };
      await expectNotFound(store.knowledge.publishSource(ids));
      await expectNotFound(store.knowledge.appendChunks({ ...ids, chunks: chunkInputs(["intruso"]) }));
      await expectNotFound(store.knowledge.purgeSource(other.tenant.id, staged.id, 10));
      expect(await store.knowledge.abandonedSources(other.tenant.id, other.agent.id, future)).toEqual([]);
      const own = [seeded.tenant.id, seeded.agent.id] as const;
      expect(await store.knowledge.abandonedSources(...own, past)).toEqual([]);
      expect(await store.knowledge.abandonedSources(...own, future)).toEqual([{ id: staged.id }]);
    });
  });
}
