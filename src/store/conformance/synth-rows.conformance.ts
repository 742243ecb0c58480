import { describe, expect, it } from "vitest";
import type { SynthRow, SynthTask } from "../../spec/distill.js";
import type { Store } from "../../spec/store.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  expectValidationError,
  seedTenant,
} from "./store-test-kit.conformance.js";

const minute = 60_000;

/** A valid row for `key`; kept unless `dropped` is given. */
export function sampleRow(key: string, overrides: Partial<SynthRow> = {}): SynthRow {
  const language = key.endsWith("-en") ? "en" : "es";
  return {
    key,
    messages: [
      { role: "user", content: `¿A qué hora abrís? (${key})` },
      { role: "assistant", content: "De 8:00 a 14:00 [S1]." },
    ],
    intent: "horarios",
    provenance: {
      kind: "qa",
      chunkIds: ["chunk-1"],
      persona: "vecina",
      intent: "horarios",
      difficulty: "easy",
      language,
      evolved: 0,
      teacher: "teacher-x",
      seed: 7,
    },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 10, outputTokens: 5 },
    ...overrides,
  };
}

export function sampleTasks(keys: string[]): SynthTask[] {
  return keys.map((key, i) => ({ key, kind: "qa", cell: { chunkIds: [`c${i}`], intent: "horarios" } }));
}

async function synthJob(store: Store) {
  const tenant = await seedTenant(store);
  return store.jobs.enqueue({ kind: "synth", tenantId: tenant.id, payload: { count: 3 } });
}

export function describeSynthRows(kit: StoreTestKit): void {
  describe("synth: plans and rows", () => {
    it("stores a plan once and hands out the tasks that have no row, in plan order", async () => {
      const store = await kit.fresh();
      const job = await synthJob(store);
      expect(await store.synth.pendingTasks(job.id, { limit: 10 })).toEqual([]);
      const tasks = sampleTasks(["q-c", "q-a", "q-b", "q-d"]);
      await store.synth.putPlan(job.id, tasks);
      await expectStoreError(store.synth.putPlan(job.id, sampleTasks(["other"])), "check");
      const pending = await store.synth.pendingTasks(job.id, { limit: 10 });
      expect(pending).toEqual(tasks.map((task, ordinal) => ({ ...task, ordinal })));

      expect(await store.synth.putRow(job.id, sampleRow("q-a"))).toBe(true);
      expect(await store.synth.putRow(job.id, sampleRow("q-d"))).toBe(true);
      expect((await store.synth.pendingTasks(job.id, { limit: 10 })).map((t) => t.key)).toEqual([
        "q-c",
        "q-b",
      ]);
      expect(
        (await store.synth.pendingTasks(job.id, { afterOrdinal: 0, limit: 1 })).map((t) => t.key),
      ).toEqual(["q-b"]);
      await expectValidationError(store.synth.pendingTasks(job.id, { limit: 0 }));
    });

    it("refuses plans with repeated keys, unknown jobs and malformed tasks, writing nothing", async () => {
      const store = await kit.fresh();
      const job = await synthJob(store);
      await expectStoreError(store.synth.putPlan(job.id, sampleTasks(["a", "b", "a"])), "unique");
      expect((await store.synth.counts(job.id)).planned).toBe(0);
      await expectStoreError(store.synth.putPlan("no-such-job", sampleTasks(["a"])), "foreign_key");
      await expectValidationError(store.synth.putPlan(job.id, [{ key: "", kind: "qa", cell: {} }]));
      await expectValidationError(
        store.synth.putPlan(job.id, [{ key: "x", kind: "qa", cell: [] as unknown as SynthTask["cell"] }]),
      );
      await expectStoreError(
        store.synth.putPlan(job.id, [{ key: "x", kind: "poem" as SynthTask["kind"], cell: {} }]),
        "check",
      );
      await store.synth.putPlan(job.id, sampleTasks(["a"]));
      expect((await store.synth.counts(job.id)).planned).toBe(1);
    });

    it("writes each row once: a second put of the same key keeps the first", async () => {
      const store = await kit.fresh();
      const job = await synthJob(store);
      await store.synth.putPlan(job.id, sampleTasks(["k1", "k2"]));
      const first = sampleRow("k1");
      expect(await store.synth.putRow(job.id, first, { inputTokens: 3, outputTokens: 1 })).toBe(true);
      const again = sampleRow("k1", { intent: "otra cosa" });
      expect(await store.synth.putRow(job.id, again)).toBe(false);
      expect(await store.synth.getRow(job.id, "k1")).toEqual(first);
      expect(await store.synth.getRow(job.id, "k2")).toBeUndefined();
      expect((await store.synth.counts(job.id)).rows).toBe(1);
      // Only planned keys; only valid rows.
      await expectStoreError(store.synth.putRow(job.id, sampleRow("not-planned")), "foreign_key");
      const invalid = await expectValidationError(
        store.synth.putRow(job.id, sampleRow("k2", { messages: [{ role: "user", content: "hola" }] })),
        /k2/,
      );
      expect(invalid.issues[0]?.path).toEqual(["messages"]);
      await expectValidationError(
        store.synth.putRow(job.id, { ...sampleRow("k2"), extra: 1 } as unknown as SynthRow),
      );
      await expectValidationError(
        store.synth.putRow(job.id, sampleRow("k2"), { inputTokens: -1, outputTokens: 0 }),
      );
      // A dropped row needs no messages.
      const failed = sampleRow("k2", { messages: [], dropped: "teacher_failed", dropDetail: "HTTP 503" });
      expect(await store.synth.putRow(job.id, failed)).toBe(true);
    });

    it("lists rows in key order, kept or dropped, with paging, and updates them", async () => {
      const store = await kit.fresh();
      const job = await synthJob(store);
      const keys = ["b", "d", "a", "c", "e"];
      await store.synth.putPlan(job.id, sampleTasks(keys));
      for (const key of keys) {
        const drop = key === "d" || key === "a";
        await store.synth.putRow(
          job.id,
          sampleRow(key, drop ? { dropped: "low_groundedness", dropDetail: "cites nothing" } : {}),
        );
      }
      const keysOf = (rows: SynthRow[]) => rows.map((r) => r.key);
      expect(keysOf(await store.synth.listRows(job.id))).toEqual(["a", "b", "c", "d", "e"]);
      expect(keysOf(await store.synth.listRows(job.id, { status: "kept" }))).toEqual(["b", "c", "e"]);
      expect(keysOf(await store.synth.listRows(job.id, { status: "dropped" }))).toEqual(["a", "d"]);
      expect(keysOf(await store.synth.listRows(job.id, { afterKey: "b", limit: 2 }))).toEqual(["c", "d"]);

      const duplicate = sampleRow("e", { dropped: "near_duplicate", dropDetail: "near-duplicate of b" });
      await store.synth.updateRow(job.id, duplicate);
      expect(await store.synth.getRow(job.id, "e")).toEqual(duplicate);
      expect(keysOf(await store.synth.listRows(job.id, { status: "kept" }))).toEqual(["b", "c"]);
      await expectNotFound(store.synth.updateRow(job.id, sampleRow("zz")));
      expect(await store.synth.listRows("no-such-job")).toEqual([]);
    });

    it("counts rows per drop reason, language and intent, and sums the tokens", async () => {
      const store = await kit.fresh();
      const job = await synthJob(store);
      await store.synth.putPlan(job.id, sampleTasks(["1-es", "2-en", "3-es", "4-en", "5-es"]));
      await store.synth.putRow(job.id, sampleRow("1-es"), { inputTokens: 100, outputTokens: 20 });
      await store.synth.putRow(job.id, sampleRow("2-en", { intent: "pedidos" }), {
        inputTokens: 50,
        outputTokens: 10,
      });
      await store.synth.putRow(
        job.id,
        sampleRow("3-es", { dropped: "policy", dropDetail: "x", usage: { inputTokens: 1, outputTokens: 2 } }),
      );
      await store.synth.putRow(job.id, sampleRow("4-en", { dropped: "policy", dropDetail: "y" }));
      expect(await store.synth.counts(job.id)).toEqual({
        planned: 5,
        rows: 4,
        kept: 2,
        dropped: { policy: 2 },
        byLanguage: { es: { kept: 1, dropped: 1 }, en: { kept: 1, dropped: 1 } },
        byIntent: { horarios: { kept: 1, dropped: 2 }, pedidos: { kept: 1, dropped: 0 } },
        usage: {
          teacher: { inputTokens: 31, outputTokens: 17 },
          judge: { inputTokens: 150, outputTokens: 30 },
        },
      });
      const empty = await store.synth.counts("no-such-job");
      expect(empty).toMatchObject({ planned: 0, rows: 0, kept: 0, dropped: {} });
    });

    it("removes a job's plan and rows with its tenant", async () => {
      const store = await kit.fresh();
      const job = await synthJob(store);
      await store.synth.putPlan(job.id, sampleTasks(["x"]));
      await store.synth.putRow(job.id, sampleRow("x"));
      await store.tenants.remove(job.tenantId!);
      expect(await store.synth.counts(job.id)).toMatchObject({ planned: 0, rows: 0 });
    });

    it("claims one named job only, leaving older queued jobs alone", async () => {
      const store = await kit.fresh();
      const older = await store.jobs.enqueue({ kind: "synth", payload: 1 });
      const wanted = await store.jobs.enqueue({ kind: "synth", payload: 2 });
      const claimed = await store.jobs.claim({
        kinds: ["synth"],
        owner: "w",
        leaseMs: minute,
        id: wanted.id,
      });
      expect(claimed).toMatchObject({ id: wanted.id, status: "running", leaseOwner: "w" });
      expect(
        await store.jobs.claim({ kinds: ["synth"], owner: "w2", leaseMs: minute, id: wanted.id }),
      ).toBeUndefined();
      expect(
        await store.jobs.claim({ kinds: ["train"], owner: "w2", leaseMs: minute, id: older.id }),
      ).toBeUndefined();
      expect((await store.jobs.get(older.id))?.status).toBe("queued");
    });
  });
}
