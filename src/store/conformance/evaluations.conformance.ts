import { describe, expect, it } from "vitest";
import type { NewScorecard, Store } from "../../spec/store.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectStoreError,
  expectValidationError,
  isoTimePattern,
  seedTenant,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

async function seedAgent(store: Store, name = "helper") {
  const tenant = await seedTenant(store);
  const agent = await store.agents.create({ tenantId: tenant.id, name, spec: { persona: "kind" } });
  const job = await store.jobs.enqueue({ kind: "eval", tenantId: tenant.id, payload: {} });
  return { tenantId: tenant.id, agentId: agent.id, jobId: job.id };
}

const scorecardOf = (
  ids: { tenantId: string; agentId: string; jobId: string | null },
  overrides: Partial<NewScorecard> = {},
): NewScorecard => ({
  ...ids,
  candidate: "student",
  reference: "teacher",
  judge: "teacher",
  datasetId: null,
  datasetHash: "ab".repeat(32),
  seed: 7,
  gatePassed: false,
  scorecard: { formatVersion: 1, note: "\u0000 kept" },
  ...overrides,
});

export function describeEvaluations(kit: StoreTestKit): void {
  describe("evaluations: results and scorecards", () => {
    it("writes a job's result once per key and reads them back in plan order", async () => {
      const store = await kit.fresh();
      const { jobId } = await seedAgent(store);
      expect(await store.evaluations.putResult(jobId, { key: "b", ordinal: 1, result: { score: 2 } })).toBe(
        true,
      );
      expect(await store.evaluations.putResult(jobId, { key: "a", ordinal: 0, result: { score: 1 } })).toBe(
        true,
      );
      // A resumed worker writing the same key again changes nothing.
      expect(await store.evaluations.putResult(jobId, { key: "a", ordinal: 0, result: { score: 9 } })).toBe(
        false,
      );
      expect(await store.evaluations.countResults(jobId)).toBe(2);
      expect(await store.evaluations.results(jobId)).toEqual([
        { key: "a", ordinal: 0, result: { score: 1 } },
        { key: "b", ordinal: 1, result: { score: 2 } },
      ]);
      expect(await store.evaluations.results(jobId, { afterOrdinal: 0, limit: 5 })).toEqual([
        { key: "b", ordinal: 1, result: { score: 2 } },
      ]);
      await expectStoreError(
        store.evaluations.putResult("no-such-job", { key: "a", ordinal: 0, result: {} }),
        "foreign_key",
      );
      await expectValidationError(
        store.evaluations.putResult(jobId, { key: "c", ordinal: -1, result: {} }),
        /ordinal/,
      );
      // Results go with their job.
      await store.transaction(async (tx) => {
        await tx.evaluations.putResult(jobId, { key: "c", ordinal: 2, result: {} });
      });
      expect(await store.evaluations.countResults(jobId)).toBe(3);
    });

    it("numbers scorecards per agent and candidate, keeps their inputs, and never changes them", async () => {
      const store = await kit.fresh();
      const ids = await seedAgent(store);
      const first = await store.evaluations.createScorecard(scorecardOf(ids));
      expect(first).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        ...scorecardOf(ids),
        version: 1,
        createdAt: expect.stringMatching(isoTimePattern),
      });
      const second = await store.evaluations.createScorecard(scorecardOf(ids, { gatePassed: true, seed: 8 }));
      const other = await store.evaluations.createScorecard(scorecardOf(ids, { candidate: "student-2" }));
      expect([second.version, other.version]).toEqual([2, 1]);
      expect(await store.evaluations.getScorecard(ids.tenantId, first.id)).toEqual(first);
      expect(await store.evaluations.latestScorecard(ids.tenantId, ids.agentId, "student")).toEqual(second);
      expect(await store.evaluations.latestScorecard(ids.tenantId, ids.agentId, "nobody")).toBeUndefined();
      expect((await store.evaluations.listScorecards(ids.tenantId)).map((s) => s.id)).toEqual([
        first.id,
        second.id,
        other.id,
      ]);
      expect(
        (await store.evaluations.listScorecards(ids.tenantId, { candidate: "student-2" })).map((s) => s.id),
      ).toEqual([other.id]);

      // Another tenant sees none of them, and cannot file one under this tenant's agent.
      const stranger = await seedAgent(store);
      expect(await store.evaluations.getScorecard(stranger.tenantId, first.id)).toBeUndefined();
      expect(await store.evaluations.listScorecards(stranger.tenantId)).toEqual([]);
      await expectStoreError(
        store.evaluations.createScorecard(scorecardOf({ ...stranger, agentId: ids.agentId })),
        "foreign_key",
      );
      await expectValidationError(
        store.evaluations.createScorecard(scorecardOf(ids, { scorecard: [] as never })),
        /scorecard/,
      );

      // Scorecards go with their agent.
      await store.agents.remove(ids.tenantId, ids.agentId);
      expect(await store.evaluations.listScorecards(ids.tenantId)).toEqual([]);
    });

    it("records an agent's promotions and rollbacks in order, with who, why and which scorecard", async () => {
      const store = await kit.fresh();
      const ids = await seedAgent(store);
      const scorecard = await store.evaluations.createScorecard(scorecardOf(ids));
      const promoted = await store.promotions.record({
        tenantId: ids.tenantId,
        agentId: ids.agentId,
        action: "promote",
        model: "student",
        previousModel: "teacher",
        scorecardId: scorecard.id,
        forced: true,
        why: "the judge is too strict",
        actor: "rosa",
        revertsId: null,
      });
      expect(promoted).toMatchObject({ seq: 1, forced: true, why: "the judge is too strict", actor: "rosa" });
      expect(promoted.createdAt).toMatch(isoTimePattern);
      const rollback = await store.promotions.record({
        tenantId: ids.tenantId,
        agentId: ids.agentId,
        action: "rollback",
        model: "teacher",
        previousModel: "student",
        scorecardId: null,
        forced: false,
        why: null,
        actor: "rosa",
        revertsId: promoted.id,
      });
      expect(rollback).toMatchObject({ seq: 2, revertsId: promoted.id, model: "teacher" });
      expect(await store.promotions.list(ids.tenantId, ids.agentId)).toEqual([promoted, rollback]);

      const stranger = await seedAgent(store);
      expect(await store.promotions.list(stranger.tenantId, ids.agentId)).toEqual([]);
      const base = { ...rollback, tenantId: stranger.tenantId, agentId: stranger.agentId };
      await expectStoreError(store.promotions.record({ ...base, revertsId: promoted.id }), "foreign_key");
      await expectStoreError(
        store.promotions.record({ ...base, revertsId: null, scorecardId: scorecard.id }),
        "foreign_key",
      );
      await expectStoreError(store.promotions.record({ ...base, revertsId: null, actor: "" }), "check");
    });
  });
}
