import { describe, expect, it } from "vitest";
import type { SourceKind } from "../../spec/knowledge.js";
import { chunkInputs, hitTexts, putTexts, seedAgent } from "./knowledge-kit.conformance.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  expectValidationError,
  isoTimePattern,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

const faq = [
  "Horarios: La panadería abre de lunes a sábado de 8:00 a 20:00.",
  "Encargos: Las tartas de cumpleaños se encargan con dos días de antelación.",
  "El café con leche cuesta 1,50 € y el cortado 1,20 €.",
  "We bake sourdough bread every morning; gluten-free loaves on Fridays.",
];

export function describeKnowledge(kit: StoreTestKit): void {
  describe("knowledge: sources and chunks", () => {
    it("puts a source and gets it back with its chunks", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      const source = await putTexts(store, seeded, "faq.md", faq);
      expect(source).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId: tenant.id,
        agentId: agent.id,
        uri: "faq.md",
        kind: "markdown",
        contentHash: "sha256-of-faq.md-4",
        bytes: faq.join("\n").length,
        chunkCount: 4,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: source.createdAt,
      });
      const second = await putTexts(store, seeded, "docs/empty.txt", []);
      expect(second.chunkCount).toBe(0);
      expect(await store.knowledge.getSource(tenant.id, agent.id, "faq.md")).toEqual(source);
      expect(await store.knowledge.getSource(tenant.id, agent.id, "nope.md")).toBeUndefined();
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([source, second]);

      const hits = await store.knowledge.searchText(tenant.id, agent.id, "tartas", 10);
      expect(hits).toHaveLength(1);
      const chunk = hits[0]!.chunk;
      expect(chunk).toEqual({
        ...chunkInputs(faq)[1],
        id: expect.stringMatching(uuidV7Pattern),
        sourceId: source.id,
      });
      expect(hits[0]!.source).toEqual({ id: source.id, uri: "faq.md", kind: "markdown" });
      const untitled = (await store.knowledge.searchText(tenant.id, agent.id, "cortado", 1))[0]!.chunk;
      expect(untitled.title).toBeNull();
      // In the order asked; unknown ids are left out.
      expect(await store.knowledge.getChunks(tenant.id, [untitled.id, "no-such-chunk", chunk.id])).toEqual([
        untitled,
        chunk,
      ]);
      expect(await store.knowledge.getChunks(tenant.id, [])).toEqual([]);
    });

    it("lists an agent's chunks in ingest order, a page at a time, whatever vectors they have", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      expect(await store.knowledge.listChunks(tenant.id, agent.id, { limit: 10 })).toEqual([]);
      await putTexts(store, seeded, "faq.md", faq);
      const more = ["Abrimos los domingos de 9:00 a 14:00.", "Hay pan de centeno."];
      await putTexts(store, seeded, "more.md", more);
      const all = await store.knowledge.listChunks(tenant.id, agent.id, { limit: 100 });
      expect(all.map((c) => c.text)).toEqual([...chunkInputs(faq), ...chunkInputs(more)].map((c) => c.text));
      const first = await store.knowledge.listChunks(tenant.id, agent.id, { limit: 4 });
      const rest = await store.knowledge.listChunks(tenant.id, agent.id, {
        limit: 4,
        after: first.at(-1)!.id,
      });
      expect([...first, ...rest]).toEqual(all);
      // Vectors change nothing: every chunk is listed.
      await store.knowledge.putVectors(tenant.id, agent.id, "m", [
        { chunkId: all[0]!.id, vector: new Float32Array([1, 0, 0]) },
      ]);
      expect(await store.knowledge.listChunks(tenant.id, agent.id, { limit: 100 })).toEqual(all);
      await expectNotFound(
        store.knowledge.listChunks(tenant.id, agent.id, { limit: 4, after: "no-such-chunk" }),
      );
      const other = await seedTenant(store);
      expect(await store.knowledge.listChunks(other.id, agent.id, { limit: 100 })).toEqual([]);
      await expectValidationError(store.knowledge.listChunks(tenant.id, agent.id, { limit: 0 }));
    });

    it("replaces a source with the same uri: old chunks leave the index, new ones enter", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      const first = await putTexts(store, seeded, "faq.md", faq);
      const kept = await putTexts(store, seeded, "other.md", ["Los croissants salen a las siete."]);
      const oldIds = (await store.knowledge.searchText(tenant.id, agent.id, "tartas café", 10)).map(
        (hit) => hit.chunk.id,
      );
      expect(oldIds).toHaveLength(2);

      const replaced = await store.knowledge.putSource({
        tenantId: tenant.id,
        agentId: agent.id,
        uri: "faq.md",
        kind: "text",
        contentHash: "sha256-new",
        bytes: 42,
        chunks: chunkInputs(["Las tartas ahora se encargan con un día de antelación."]),
      });
      expect(replaced).toEqual({
        ...first,
        kind: "text",
        contentHash: "sha256-new",
        bytes: 42,
        chunkCount: 1,
        updatedAt: expect.stringMatching(isoTimePattern),
      });
      expect(replaced.updatedAt >= first.updatedAt).toBe(true);
      expect(await store.knowledge.getChunks(tenant.id, oldIds)).toEqual([]);
      expect(await store.knowledge.searchText(tenant.id, agent.id, "café", 10)).toEqual([]);
      expect(hitTexts(await store.knowledge.searchText(tenant.id, agent.id, "tartas", 10))).toEqual([
        "Las tartas ahora se encargan con un día de antelación.",
      ]);
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([replaced, kept]);
      expect((await store.health()).problems).toEqual([]);
    });

    it("appends chunks to a source (a large source in batches), the last batch setting its hash; another agent's source is not found", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      const [first, ...rest] = chunkInputs(faq);
      const source = await store.transaction(async (tx) => {
        const put = await tx.knowledge.putSource({
          tenantId: tenant.id,
          agentId: agent.id,
          uri: "faq.md",
          kind: "markdown",
          contentHash: "h",
          bytes: 1,
          chunks: [first!],
        });
        const ids = { tenantId: tenant.id, agentId: agent.id, sourceId: put.id };
        await tx.knowledge.appendChunks({ ...ids, chunks: rest.slice(0, 1) });
        return tx.knowledge.appendChunks({ ...ids, chunks: rest.slice(1), contentHash: "h2" });
      });
      expect(source).toMatchObject({ uri: "faq.md", chunkCount: faq.length, contentHash: "h2" });
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([source]);
      expect(hitTexts(await store.knowledge.searchText(tenant.id, agent.id, "tartas", 5))).toEqual([
        rest[0]!.text,
      ]);
      const listed = await store.knowledge.listChunks(tenant.id, agent.id, { limit: 10 });
      expect(listed.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
      // An ordinal the source has: unique; a source of another agent: not found, nothing written.
      const again = { tenantId: tenant.id, agentId: agent.id, sourceId: source.id, chunks: [first!] };
      await expectStoreError(store.knowledge.appendChunks(again), "unique");
      const other = await seedAgent(store, tenant, "otro");
      await expectNotFound(store.knowledge.appendChunks({ ...again, agentId: other.agent.id }));
      expect((await store.knowledge.getSource(tenant.id, agent.id, "faq.md"))?.chunkCount).toBe(faq.length);
    });

    it("removes a source with its chunks; NotFoundError when absent", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      const gone = await putTexts(store, seeded, "faq.md", faq);
      const kept = await putTexts(store, seeded, "kept.md", ["Tartas de queso los domingos."]);
      const goneIds = (await store.knowledge.searchText(tenant.id, agent.id, "tartas", 10))
        .filter((hit) => hit.source.id === gone.id)
        .map((hit) => hit.chunk.id);
      expect(goneIds).toHaveLength(1);
      await store.knowledge.removeSource(tenant.id, gone.id);
      expect(await store.knowledge.getChunks(tenant.id, goneIds)).toEqual([]);
      expect(hitTexts(await store.knowledge.searchText(tenant.id, agent.id, "tartas", 10))).toEqual([
        "Tartas de queso los domingos.",
      ]);
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([kept]);
      await expectNotFound(store.knowledge.removeSource(tenant.id, gone.id));
    });

    it("refuses duplicate ordinals, unknown kinds, negative sizes and unknown agents, writing nothing", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      const base = { tenantId: tenant.id, agentId: agent.id, uri: "x.md", contentHash: "h", bytes: 1 };
      const twice = [...chunkInputs(["uno"]), ...chunkInputs(["dos"])];
      await expectStoreError(store.knowledge.putSource({ ...base, kind: "text", chunks: twice }), "unique");
      await expectStoreError(
        store.knowledge.putSource({ ...base, kind: "docx" as SourceKind, chunks: [] }),
        "check",
      );
      await expectStoreError(
        store.knowledge.putSource({ ...base, kind: "text", bytes: -1, chunks: [] }),
        "check",
      );
      await expectStoreError(
        store.knowledge.putSource({ ...base, agentId: "no-such-agent", kind: "text", chunks: [] }),
        "foreign_key",
      );
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([]);
      expect(await store.knowledge.searchText(tenant.id, agent.id, "uno dos", 10)).toEqual([]);
    });

    it("rolls a putSource back with the transaction that made it, index included", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "faq.md", faq);
      const failure = new Error("changed my mind");
      await expect(
        store.transaction(async (tx) => {
          await putTexts(tx, seeded, "faq.md", ["Cerrado por vacaciones en agosto."]);
          expect(hitTexts(await tx.knowledge.searchText(tenant.id, agent.id, "vacaciones", 5))).toHaveLength(
            1,
          );
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.knowledge.searchText(tenant.id, agent.id, "vacaciones", 5)).toEqual([]);
      expect(await store.knowledge.searchText(tenant.id, agent.id, "tartas", 5)).toHaveLength(1);
      expect((await store.health()).ok).toBe(true);
    });

    it("removing the agent or the tenant removes its knowledge", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "faq.md", faq);
      const ids = (await store.knowledge.searchText(tenant.id, agent.id, "tartas", 5)).map((h) => h.chunk.id);
      await store.agents.remove(tenant.id, agent.id);
      expect(await store.knowledge.getChunks(tenant.id, ids)).toEqual([]);
      expect(await store.knowledge.listSources(tenant.id, agent.id)).toEqual([]);

      const other = await seedAgent(store);
      await putTexts(store, other, "faq.md", faq);
      await store.tenants.remove(other.tenant.id);
      expect(await store.knowledge.searchText(other.tenant.id, other.agent.id, "tartas", 5)).toEqual([]);
      expect((await store.health()).problems).toEqual([]);
    });
  });

  describe("knowledge: isolation", () => {
    it("never shows one agent's or tenant's knowledge to another", async () => {
      const store = await kit.fresh();
      const a = await seedAgent(store);
      const b = await seedAgent(store, a.tenant, "otro");
      const intruder = await seedAgent(store, await seedTenant(store));
      const source = await putTexts(store, a, "faq.md", faq);
      await putTexts(store, b, "b.md", ["Vendemos empanadas gallegas."]);
      const ids = (await store.knowledge.searchText(a.tenant.id, a.agent.id, "tartas café", 10)).map(
        (hit) => hit.chunk.id,
      );
      expect(ids).toHaveLength(2);

      for (const query of ["tartas", "café", "panadería"]) {
        expect(await store.knowledge.searchText(b.tenant.id, b.agent.id, query, 10)).toEqual([]);
        expect(await store.knowledge.searchText(intruder.tenant.id, a.agent.id, query, 10)).toEqual([]);
        expect(await store.knowledge.searchText(intruder.tenant.id, intruder.agent.id, query, 10)).toEqual(
          [],
        );
      }
      expect(await store.knowledge.listSources(b.tenant.id, b.agent.id)).toHaveLength(1);
      expect(await store.knowledge.listSources(intruder.tenant.id, a.agent.id)).toEqual([]);
      expect(await store.knowledge.getSource(intruder.tenant.id, a.agent.id, "faq.md")).toBeUndefined();
      expect(await store.knowledge.getChunks(intruder.tenant.id, ids)).toEqual([]);
      await expectNotFound(store.knowledge.removeSource(intruder.tenant.id, source.id));
      // Another tenant cannot write into the agent's index either.
      await expectStoreError(
        putTexts(store, { ...a, tenant: intruder.tenant }, "evil.md", ["x"]),
        "foreign_key",
      );
      expect(await store.knowledge.chunksWithoutVectors(intruder.tenant.id, a.agent.id, "m", 100)).toEqual(
        [],
      );
      expect(await store.knowledge.getChunks(a.tenant.id, ids)).toHaveLength(2);
    });
  });

  describe("knowledge: text search", () => {
    it("folds case and diacritics both ways", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "faq.md", [...faq, "Tenemos CAFE DE OLLA y pan de muerto en noviembre."]);
      const search = async (query: string) =>
        hitTexts(await store.knowledge.searchText(tenant.id, agent.id, query, 10));
      expect(await search("panaderia")).toEqual([chunkInputs(faq)[0]!.text]);
      expect(await search("PANADERÍA")).toEqual([chunkInputs(faq)[0]!.text]);
      expect((await search("CAFE")).sort()).toEqual(
        [faq[2], "Tenemos CAFE DE OLLA y pan de muerto en noviembre."].sort(),
      );
      expect(await search("olla")).toEqual(["Tenemos CAFE DE OLLA y pan de muerto en noviembre."]);
      expect(await search("sabado")).toEqual([chunkInputs(faq)[0]!.text]);
      // Titles are searched too.
      expect(await search("encargos")).toEqual([chunkInputs(faq)[1]!.text]);
    });

    it("ranks best first with higher-is-better scores, any word matching", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "faq.md", [
        ...faq,
        "Pan: pan de centeno, pan de espelta y pan integral cada día.",
        "Aceptamos tarjeta y efectivo.",
      ]);
      const hits = await store.knowledge.searchText(
        tenant.id,
        agent.id,
        "¿Venden pan integral o bizcocho?",
        10,
      );
      expect(hits.map((hit) => hit.chunk.title)).toEqual(["Pan"]);
      const both = await store.knowledge.searchText(tenant.id, agent.id, "sourdough tarjeta centeno", 10);
      expect(both).toHaveLength(3);
      for (const hit of both) expect(hit.score).toBeGreaterThan(0);
      const scores = both.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((x, y) => y - x));
      expect(await store.knowledge.searchText(tenant.id, agent.id, "tartas café pan", 2)).toHaveLength(2);
      expect(await store.knowledge.searchText(tenant.id, agent.id, "helicóptero", 10)).toEqual([]);
    });

    it("takes any customer text without a syntax error", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "faq.md", [
        ...faq,
        'Say "hello" AND goodbye: NOT NEAR(x) * -minus ^caret',
      ]);
      const hostile = [
        "",
        "   ",
        '"',
        '"unbalanced quote',
        'say "hello',
        "AND",
        "OR NOT AND",
        "NEAR(pan, horno)",
        "pan*",
        "*",
        "-pan",
        "+pan",
        "^pan",
        "title:pan",
        "{title text}: pan",
        "scope : k1",
        "k1 k2 k3",
        "(((",
        ")",
        "'; DROP TABLE chunks; --",
        "🍞🥐☕",
        "pan 🍞 café ☕",
        "\u0000\u0001 nul",
        "\ud800 lone surrogate \udfff",
        "e\u0301 combining",
        "%_\\",
        "panadería ".repeat(10_000),
        "x".repeat(1_000_000),
        Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(" "),
      ];
      for (const query of hostile) {
        const hits = await store.knowledge.searchText(tenant.id, agent.id, query, 5);
        expect(Array.isArray(hits), query.slice(0, 40)).toBe(true);
      }
      expect(await store.knowledge.searchText(tenant.id, agent.id, "🍞🥐☕", 5)).toEqual([]);
      // The scope column is never searched by customer words.
      expect(await store.knowledge.searchText(tenant.id, agent.id, "k1 k2 k3 k4 scope", 5)).toEqual([]);
      // Operators are plain words: "NOT" and "NEAR" find the chunk that says them.
      expect(hitTexts(await store.knowledge.searchText(tenant.id, agent.id, "NOT NEAR", 5))).toHaveLength(1);
      expect(hitTexts(await store.knowledge.searchText(tenant.id, agent.id, '"tartas', 5))).toHaveLength(1);
      expect(
        hitTexts(await store.knowledge.searchText(tenant.id, agent.id, "panadería ".repeat(100_000), 5)),
      ).toEqual([chunkInputs(faq)[0]!.text]);
    });

    it("refuses a limit outside 1…1000", async () => {
      const store = await kit.fresh();
      const { tenant, agent } = await seedAgent(store);
      for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
        await expectValidationError(store.knowledge.searchText(tenant.id, agent.id, "pan", limit), /limit/);
      }
    });
  });
}
