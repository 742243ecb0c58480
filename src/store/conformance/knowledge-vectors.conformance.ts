import { describe, expect, it } from "vitest";
import type { Chunk } from "../../spec/knowledge.js";
import type { Store } from "../../spec/store.js";
import { putTexts, type SeededAgent, seedAgent, vector } from "./knowledge-kit.conformance.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectNotFound, expectValidationError, seedTenant } from "./store-test-kit.conformance.js";

const texts = ["norte", "este", "noreste", "sur", "oeste"];
/** 3 dimensions (not a whole byte: the binary index pads it): the compass, and one off-plane. */
const directions: Record<string, Float32Array> = {
  norte: vector(0, 1, 0),
  este: vector(1, 0, 0),
  noreste: vector(1, 1, 0),
  sur: vector(0, -1, 0),
  oeste: vector(-1, 0, 0.1),
};

async function seedCompass(store: Store, seeded?: SeededAgent): Promise<SeededAgent & { chunks: Chunk[] }> {
  const agent = seeded ?? (await seedAgent(store));
  await putTexts(store, agent, "compass.md", texts);
  const chunks = await store.knowledge.chunksWithoutVectors(
    agent.tenant.id,
    agent.agent.id,
    "compass-3",
    100,
  );
  await store.knowledge.putVectors(
    agent.tenant.id,
    agent.agent.id,
    "compass-3",
    chunks.map((chunk) => ({ chunkId: chunk.id, vector: directions[chunk.text]! })),
  );
  return { ...agent, chunks };
}

export function describeKnowledgeVectors(kit: StoreTestKit): void {
  describe("knowledge: vectors", () => {
    it("lists chunks without vectors in order, up to the limit, until they get one", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "compass.md", texts);
      const pending = await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 100);
      expect(pending.map((chunk) => chunk.text)).toEqual(texts);
      expect(await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 2)).toEqual(
        pending.slice(0, 2),
      );
      await store.knowledge.putVectors(tenant.id, agent.id, "compass-3", [
        { chunkId: pending[0]!.id, vector: directions.norte! },
        { chunkId: pending[2]!.id, vector: directions.noreste! },
      ]);
      expect(await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 100)).toEqual([
        pending[1],
        pending[3],
        pending[4],
      ]);
      // For another model, no chunk has a vector yet.
      expect(await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "other-model", 100)).toEqual(
        pending,
      );
      await expectValidationError(store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 0));
    });

    it("finds the nearest chunks first, scored 1 - cosine distance", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedCompass(store);
      const hits = await store.knowledge.searchVector(tenant.id, agent.id, vector(0.1, 2, 0), 5);
      expect(hits.map((hit) => hit.chunk.text)).toEqual(["norte", "noreste", "este", "oeste", "sur"]);
      const scores = hits.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const exact = await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 3, 0), 5);
      expect(exact[0]!.chunk.text).toBe("norte");
      expect(exact[0]!.score).toBeCloseTo(1, 5);
      expect(exact.find((hit) => hit.chunk.text === "este")!.score).toBeCloseTo(0, 5);
      expect(exact.find((hit) => hit.chunk.text === "noreste")!.score).toBeCloseTo(Math.SQRT1_2, 5);
      expect(exact.at(-1)!.chunk.text).toBe("sur");
      expect(exact.at(-1)!.score).toBeCloseTo(-1, 5);
      expect(exact[0]!.source.uri).toBe("compass.md");
      expect(await store.knowledge.searchVector(tenant.id, agent.id, vector(1, 0, 0), 2)).toHaveLength(2);
    });

    it("replaces a chunk's vector when it is put again", async () => {
      const store = await kit.fresh();
      const { tenant, agent, chunks } = await seedCompass(store);
      const sur = chunks.find((chunk) => chunk.text === "sur")!;
      await store.knowledge.putVectors(tenant.id, agent.id, "compass-3", [
        { chunkId: sur.id, vector: vector(0, 5, 0) },
      ]);
      const hits = await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 5);
      expect(
        hits
          .slice(0, 2)
          .map((hit) => hit.chunk.text)
          .sort(),
      ).toEqual(["norte", "sur"]);
      expect(hits).toHaveLength(5);
    });

    it("is empty for an agent without vectors, and vectors go with their source", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      expect(await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 5)).toEqual([]);
      await seedCompass(store, seeded);
      const extra = await putTexts(store, seeded, "extra.md", ["norte magnético"]);
      const [pending] = await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 10);
      await store.knowledge.putVectors(tenant.id, agent.id, "compass-3", [
        { chunkId: pending!.id, vector: vector(0.1, 1, 0) },
      ]);
      expect(
        (await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 1))[0]!.chunk.text,
      ).toBe("norte");
      await store.knowledge.removeSource(tenant.id, extra.id);
      const compass = (await store.knowledge.listSources(tenant.id, agent.id))[0]!;
      // Replacing the source drops its vectors: the new chunks wait for theirs.
      await putTexts(store, seeded, "compass.md", ["centro"]);
      expect(await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 5)).toEqual([]);
      expect(
        (await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 10)).map((c) => c.text),
      ).toEqual(["centro"]);
      await store.knowledge.removeSource(tenant.id, compass.id);
      expect(await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 10)).toEqual([]);
      expect((await store.health()).problems).toEqual([]);
    });

    it("keeps one model and dimension per agent until its vectors are gone", async () => {
      const store = await kit.fresh();
      const { tenant, agent, chunks } = await seedCompass(store);
      const item = [{ chunkId: chunks[0]!.id, vector: vector(1, 2, 3) }];
      const other = await expectValidationError(
        store.knowledge.putVectors(tenant.id, agent.id, "bge-m3", item),
        /compass-3.*bge-m3/,
      );
      expect(other.issues[0]?.path).toEqual(["model"]);
      await expectValidationError(
        store.knowledge.putVectors(tenant.id, agent.id, "compass-3", [
          { chunkId: chunks[0]!.id, vector: vector(1, 2) },
        ]),
        /3 dimensions.*2 dimensions/,
      );
      await expectValidationError(
        store.knowledge.putVectors(tenant.id, agent.id, "compass-3", [
          { chunkId: chunks[0]!.id, vector: vector(1, 2, 3) },
          { chunkId: chunks[1]!.id, vector: vector(1, 2, 3, 4) },
        ]),
        /dimensions/,
      );
      await expectValidationError(
        store.knowledge.searchVector(tenant.id, agent.id, vector(1, 2), 5),
        /compass-3/,
      );
      for (const bad of [vector(0, 0, 0), vector(1, Number.NaN, 0), [1, 2, 3] as unknown as Float32Array]) {
        await expectValidationError(store.knowledge.searchVector(tenant.id, agent.id, bad, 5));
        await expectValidationError(
          store.knowledge.putVectors(tenant.id, agent.id, "compass-3", [
            { chunkId: chunks[0]!.id, vector: bad },
          ]),
        );
      }
      // Nothing was written by the failed calls.
      expect(
        (await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 1))[0]!.chunk.text,
      ).toBe("norte");

      // Once every vector is gone (sources removed), another model may start.
      for (const source of await store.knowledge.listSources(tenant.id, agent.id)) {
        await store.knowledge.removeSource(tenant.id, source.id);
      }
      await putTexts(store, { tenant, agent }, "again.md", ["arriba", "abajo"]);
      const fresh = await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "bge-m3", 10);
      await store.knowledge.putVectors(tenant.id, agent.id, "bge-m3", [
        { chunkId: fresh[0]!.id, vector: vector(1, 0, 0, 0, 0, 0, 0, 0, 0, 1) },
        { chunkId: fresh[1]!.id, vector: vector(-1, 0, 0, 0, 0, 0, 0, 0, 0, -1) },
      ]);
      const hits = await store.knowledge.searchVector(
        tenant.id,
        agent.id,
        vector(1, 0, 0, 0, 0, 0, 0, 0, 0, 0.5),
        5,
      );
      expect(hits.map((hit) => hit.chunk.text)).toEqual(["arriba", "abajo"]);
    });

    it("rolls back a first putVectors with its transaction, and can do it again", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "compass.md", texts);
      const chunks = await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 100);
      const items = chunks.map((chunk) => ({ chunkId: chunk.id, vector: directions[chunk.text]! }));
      const failure = new Error("embedding job cancelled");
      await expect(
        store.transaction(async (tx) => {
          await tx.knowledge.putVectors(tenant.id, agent.id, "compass-3", items);
          expect(await tx.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 1)).toHaveLength(1);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 1)).toEqual([]);
      expect(await store.knowledge.chunksWithoutVectors(tenant.id, agent.id, "compass-3", 100)).toEqual(
        chunks,
      );
      // Another model may start, since nothing was kept.
      await store.knowledge.putVectors(tenant.id, agent.id, "compass-3b", items);
      expect(
        (await store.knowledge.searchVector(tenant.id, agent.id, vector(0, 1, 0), 1))[0]!.chunk.text,
      ).toBe("norte");
      expect((await store.health()).problems).toEqual([]);
    });

    it("keeps vectors to their agent and tenant", async () => {
      const store = await kit.fresh();
      const a = await seedCompass(store);
      const b = await seedAgent(store, a.tenant, "otro");
      const intruder = await seedAgent(store, await seedTenant(store));
      await putTexts(store, b, "b.md", ["norte de b"]);
      const [bChunk] = await store.knowledge.chunksWithoutVectors(b.tenant.id, b.agent.id, "compass-3", 10);
      await store.knowledge.putVectors(b.tenant.id, b.agent.id, "compass-3", [
        { chunkId: bChunk!.id, vector: vector(0, 1, 0) },
      ]);
      const aTexts = (await store.knowledge.searchVector(a.tenant.id, a.agent.id, vector(0, 1, 0), 10)).map(
        (hit) => hit.chunk.text,
      );
      expect(aTexts).toHaveLength(5);
      expect(aTexts).not.toContain("norte de b");
      expect(
        (await store.knowledge.searchVector(b.tenant.id, b.agent.id, vector(0, 1, 0), 10)).map(
          (hit) => hit.chunk.text,
        ),
      ).toEqual(["norte de b"]);
      expect(await store.knowledge.searchVector(intruder.tenant.id, a.agent.id, vector(0, 1, 0), 10)).toEqual(
        [],
      );
      // Nobody puts vectors on another agent's chunks.
      await expectNotFound(
        store.knowledge.putVectors(b.tenant.id, b.agent.id, "compass-3", [
          { chunkId: a.chunks[0]!.id, vector: vector(1, 0, 0) },
        ]),
      );
      await expectNotFound(
        store.knowledge.putVectors(intruder.tenant.id, a.agent.id, "compass-3", [
          { chunkId: a.chunks[0]!.id, vector: vector(1, 0, 0) },
        ]),
      );
      await expectNotFound(
        store.knowledge.putVectors(a.tenant.id, a.agent.id, "compass-3", [
          { chunkId: "no-such-chunk", vector: vector(1, 0, 0) },
        ]),
      );
      expect(
        (await store.knowledge.searchVector(a.tenant.id, a.agent.id, vector(1, 0, 0), 1))[0]!.chunk.text,
      ).toBe("este");
    });
  });
}
