import { describe, expect, it } from "vitest";
import type { Split, SynthRow } from "../../spec/distill.js";
import type { NewDatasetCard, Store } from "../../spec/store.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  expectValidationError,
  isoTimePattern,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";
import { sampleRow } from "./synth-rows.conformance.js";

const card: NewDatasetCard = {
  agent: "la-espiga",
  teacher: { name: "teacher-x", licenseId: "apache-2.0" },
  judge: null,
  filters: { minGroundedness: 4 },
  counts: { train: 2, validation: 1, test: 1, dropped: { policy: 3 } },
  languages: ["es", "en"],
  contentHash: "ab".repeat(32),
};

const rowsOf = (splits: Split[]): { split: Split; row: SynthRow }[] =>
  splits.map((split, i) => ({ split, row: sampleRow(`row-${i}`) }));

async function tenantOf(store: Store) {
  return (await seedTenant(store)).id;
}

export function describeDatasets(kit: StoreTestKit): void {
  describe("datasets", () => {
    it("creates numbered versions with their rows, card and split counts", async () => {
      const store = await kit.fresh();
      const tenantId = await tenantOf(store);
      const job = await store.jobs.enqueue({ kind: "synth", tenantId, payload: {} });
      const rows = rowsOf(["train", "test", "train", "validation"]);
      const v1 = await store.datasets.create({ tenantId, name: "espiga-faq", jobId: job.id, card, rows });
      expect(v1).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId,
        name: "espiga-faq",
        version: 1,
        jobId: job.id,
        card: { ...card, name: "espiga-faq", version: 1, createdAt: v1.createdAt, frozenAt: null },
        rowCount: 4,
        splitCounts: { train: 2, validation: 1, test: 1 },
        frozenAt: null,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: v1.createdAt,
      });
      const v2 = await store.datasets.create({ tenantId, name: "espiga-faq", card, rows: rows.slice(0, 1) });
      expect(v2).toMatchObject({ version: 2, jobId: null, rowCount: 1, card: { version: 2 } });
      const other = await store.datasets.create({ tenantId, name: "another", card, rows: [] });
      expect(other.version).toBe(1);

      expect(await store.datasets.get(tenantId, v1.id)).toEqual(v1);
      expect(await store.datasets.getByName(tenantId, "espiga-faq")).toEqual(v2);
      expect(await store.datasets.getByName(tenantId, "espiga-faq", 1)).toEqual(v1);
      expect(await store.datasets.getByName(tenantId, "espiga-faq", 3)).toBeUndefined();
      expect((await store.datasets.list(tenantId)).map((d) => `${d.name}@${d.version}`)).toEqual([
        "another@1",
        "espiga-faq@1",
        "espiga-faq@2",
      ]);
      expect(await store.datasets.list(tenantId, { name: "another" })).toEqual([other]);

      // Another tenant sees none of it, and numbers its own versions.
      const stranger = await tenantOf(store);
      expect(await store.datasets.get(stranger, v1.id)).toBeUndefined();
      expect(await store.datasets.list(stranger)).toEqual([]);
      await expectNotFound(store.datasets.rows(stranger, v1.id));
      expect(
        (await store.datasets.create({ tenantId: stranger, name: "espiga-faq", card, rows })).version,
      ).toBe(1);
    });

    it("returns rows by split in order, with paging", async () => {
      const store = await kit.fresh();
      const tenantId = await tenantOf(store);
      const rows = rowsOf(["train", "test", "train", "validation", "train"]);
      const dataset = await store.datasets.create({ tenantId, name: "d", card, rows });
      const all = await store.datasets.rows(tenantId, dataset.id);
      expect(all).toEqual(rows.map((entry, ordinal) => ({ ordinal, ...entry })));
      expect(
        (await store.datasets.rows(tenantId, dataset.id, { split: "train" })).map((r) => r.ordinal),
      ).toEqual([0, 2, 4]);
      expect(
        (await store.datasets.rows(tenantId, dataset.id, { split: "train", afterOrdinal: 0, limit: 1 })).map(
          (r) => r.row.key,
        ),
      ).toEqual(["row-2"]);
      expect(await store.datasets.rows(tenantId, dataset.id, { split: "validation" })).toHaveLength(1);
    });

    it("refuses bad names, invalid rows, repeated keys and unknown tenants or jobs, writing nothing", async () => {
      const store = await kit.fresh();
      const tenantId = await tenantOf(store);
      const rows = rowsOf(["train"]);
      for (const name of ["", "Mayúsculas", "-leading", "a b", "x".repeat(65)]) {
        await expectStoreError(store.datasets.create({ tenantId, name, card, rows }), "check");
      }
      const bad = [{ split: "train" as const, row: { ...sampleRow("r"), messages: [] } }];
      await expectValidationError(store.datasets.create({ tenantId, name: "d", card, rows: bad }));
      const twice = [...rows, ...rows];
      await expectStoreError(store.datasets.create({ tenantId, name: "d", card, rows: twice }), "unique");
      await expectStoreError(
        store.datasets.create({
          tenantId,
          name: "d",
          card,
          rows: [{ split: "dev" as Split, row: sampleRow("r") }],
        }),
        "check",
      );
      await expectStoreError(
        store.datasets.create({ tenantId: "nobody", name: "d", card, rows }),
        "foreign_key",
      );
      await expectStoreError(
        store.datasets.create({ tenantId, name: "d", jobId: "nope", card, rows }),
        "foreign_key",
      );
      expect(await store.datasets.list(tenantId)).toEqual([]);
      expect((await store.datasets.create({ tenantId, name: "d", card, rows })).version).toBe(1);
    });

    it("rewrites the card until frozen; afterwards every write throws check", async () => {
      const store = await kit.fresh();
      const tenantId = await tenantOf(store);
      const dataset = await store.datasets.create({ tenantId, name: "d", card, rows: rowsOf(["train"]) });
      const edited = await store.datasets.setCard(tenantId, dataset.id, {
        ...card,
        filters: { minGroundedness: 5 },
      });
      expect(edited.card).toMatchObject({
        name: "d",
        version: 1,
        filters: { minGroundedness: 5 },
        frozenAt: null,
      });
      expect(edited.card.createdAt).toBe(dataset.createdAt);

      const frozen = await store.datasets.freeze(tenantId, dataset.id);
      expect(frozen.frozenAt).toMatch(isoTimePattern);
      expect(frozen.card.frozenAt).toBe(frozen.frozenAt);
      expect(await store.datasets.freeze(tenantId, dataset.id)).toEqual(frozen);
      const refused = await expectStoreError(store.datasets.setCard(tenantId, dataset.id, card), "check");
      expect(refused.message).toMatch(/frozen/);
      expect(await store.datasets.get(tenantId, dataset.id)).toEqual(frozen);
      expect(await store.datasets.rows(tenantId, dataset.id)).toHaveLength(1);
      // Versions go on: a new one is a new dataset.
      expect((await store.datasets.create({ tenantId, name: "d", card, rows: [] })).version).toBe(2);

      await expectNotFound(store.datasets.freeze(tenantId, "nope"));
      await expectNotFound(store.datasets.setCard(tenantId, "nope", card));
    });

    it("removes a frozen dataset, and the job it came from, with its tenant", async () => {
      const store = await kit.fresh();
      const tenantId = await tenantOf(store);
      const job = await store.jobs.enqueue({ kind: "synth", tenantId, payload: {} });
      const dataset = await store.datasets.create({
        tenantId,
        name: "d",
        jobId: job.id,
        card,
        rows: rowsOf(["test"]),
      });
      await store.datasets.freeze(tenantId, dataset.id);
      await store.tenants.remove(tenantId);
      expect(await store.datasets.get(tenantId, dataset.id)).toBeUndefined();
    });
  });
}
