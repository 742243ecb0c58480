import { describe, expect, it } from "vitest";
import { ValidationError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import {
  expectNotFound,
  expectStoreError,
  isoTimePattern,
  seedTenant,
  sleep,
  uuidV7Pattern,
} from "./store-test-kit.conformance.js";

const minute = 60_000;

export function describeJobs(kit: StoreTestKit): void {
  describe("jobs", () => {
    it("enqueues, gets and lists with filters", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const payload = { documents: ["a.md"], questions: 200 };
      const synth = await store.jobs.enqueue({ kind: "synth", tenantId: tenant.id, payload });
      expect(synth).toEqual({
        id: expect.stringMatching(uuidV7Pattern),
        tenantId: tenant.id,
        kind: "synth",
        status: "queued",
        payload,
        checkpoint: null,
        progress: 0,
        error: null,
        attempts: 0,
        leaseOwner: null,
        leaseExpiresAt: null,
        createdAt: expect.stringMatching(isoTimePattern),
        updatedAt: synth.createdAt,
      });
      const train = await store.jobs.enqueue({ kind: "train", payload: "plain string payload" });
      expect(train.tenantId).toBeNull();
      expect(await store.jobs.get(synth.id)).toEqual(synth);
      expect(await store.jobs.get("nope")).toBeUndefined();
      expect(await store.jobs.list()).toEqual([synth, train]);
      expect(await store.jobs.list({ kind: "train" })).toEqual([train]);
      expect(await store.jobs.list({ tenantId: tenant.id })).toEqual([synth]);
      expect(await store.jobs.list({ status: "running" })).toEqual([]);
      // `newest`: the last that many of the same order.
      expect(await store.jobs.list({ newest: 1 })).toEqual((await store.jobs.list()).slice(-1));
      expect(await store.jobs.list({ newest: 5 })).toEqual([synth, train]);
      expect(await store.jobs.list({ kind: "train", newest: 1 })).toEqual([train]);
      expect(await store.jobs.list({ kind: "synth", status: "queued", tenantId: tenant.id })).toEqual([
        synth,
      ]);
      await expectStoreError(
        store.jobs.enqueue({ kind: "x", tenantId: "no-such-tenant", payload: 1 }),
        "foreign_key",
      );
    });

    it("claims the oldest queued job of the given kinds, leasing it to the owner", async () => {
      const store = await kit.fresh();
      const first = await store.jobs.enqueue({ kind: "eval", payload: 1 });
      await store.jobs.enqueue({ kind: "other", payload: 2 });
      const third = await store.jobs.enqueue({ kind: "synth", payload: 3 });
      const before = Date.now();
      const claimed = await store.jobs.claim({
        kinds: ["synth", "eval"],
        owner: "worker-1",
        leaseMs: minute,
      });
      expect(claimed).toEqual({
        ...first,
        status: "running",
        attempts: 1,
        leaseOwner: "worker-1",
        leaseExpiresAt: expect.stringMatching(isoTimePattern),
        updatedAt: expect.stringMatching(isoTimePattern),
      });
      const expires = Date.parse(claimed!.leaseExpiresAt!);
      expect(expires).toBeGreaterThanOrEqual(before + minute - 5);
      expect(expires).toBeLessThanOrEqual(Date.now() + minute + 5);
      expect(
        (await store.jobs.claim({ kinds: ["synth", "eval"], owner: "worker-2", leaseMs: minute }))?.id,
      ).toBe(third.id);
      // The leases are live: nothing left of those kinds.
      expect(
        await store.jobs.claim({ kinds: ["synth", "eval"], owner: "worker-3", leaseMs: minute }),
      ).toBeUndefined();
      expect(await store.jobs.claim({ kinds: [], owner: "worker-3", leaseMs: minute })).toBeUndefined();
      expect(await store.jobs.get(first.id)).toEqual(claimed);
      await expect(store.jobs.claim({ kinds: ["eval"], owner: "w", leaseMs: 0 })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(store.jobs.heartbeat(first.id, "worker-1", -5)).rejects.toBeInstanceOf(ValidationError);
    });

    it("heartbeats and checkpoints only for the lease holder", async () => {
      const store = await kit.fresh();
      const job = await store.jobs.enqueue({ kind: "train", payload: {} });
      const claimed = (await store.jobs.claim({ kinds: ["train"], owner: "w1", leaseMs: 1000 }))!;
      await store.jobs.heartbeat(job.id, "w1", 10 * minute);
      const extended = (await store.jobs.get(job.id))!;
      expect(extended.leaseExpiresAt! > claimed.leaseExpiresAt!).toBe(true);

      const state: JsonValue = { step: 120, optimizer: { lr: 2e-4 }, seen: ["a", "b"] };
      await store.jobs.checkpoint(job.id, "w1", state, 0.25);
      await store.jobs.checkpoint(job.id, "w1", { step: 240 }, 0.5);
      const saved = (await store.jobs.get(job.id))!;
      expect(saved.checkpoint).toEqual({ step: 240 });
      expect(saved.progress).toBe(0.5);

      await expectStoreError(store.jobs.heartbeat(job.id, "w2", minute), "check");
      await expectStoreError(store.jobs.checkpoint(job.id, "w2", {}, 0.9), "check");
      await expectStoreError(store.jobs.checkpoint(job.id, "w1", {}, 1.5), "check");
      await expectNotFound(store.jobs.heartbeat("nope", "w1", minute));
      await expectNotFound(store.jobs.checkpoint("nope", "w1", {}, 0));
      expect((await store.jobs.get(job.id))?.checkpoint).toEqual({ step: 240 });
    });

    it("finishes a running job: succeeded, failed, back to queued, paused", async () => {
      const store = await kit.fresh();
      for (let i = 0; i < 4; i += 1) await store.jobs.enqueue({ kind: "k", payload: i });
      const claim = async () => (await store.jobs.claim({ kinds: ["k"], owner: "w", leaseMs: minute }))!;

      const a = await claim();
      const succeeded = await store.jobs.finish(a.id, "w", { status: "succeeded" });
      expect(succeeded).toMatchObject({
        status: "succeeded",
        leaseOwner: null,
        leaseExpiresAt: null,
        error: null,
        progress: 1,
      });
      const b = await claim();
      expect(
        await store.jobs.finish(b.id, "w", { status: "failed", error: "CUDA out of memory" }),
      ).toMatchObject({
        status: "failed",
        error: "CUDA out of memory",
        leaseOwner: null,
      });
      const c = await claim();
      await store.jobs.checkpoint(c.id, "w", { at: 7 }, 0.3);
      expect(await store.jobs.finish(c.id, "w", { status: "paused" })).toMatchObject({
        status: "paused",
        checkpoint: { at: 7 },
        progress: 0.3,
      });
      const d = await claim();
      expect(await store.jobs.finish(d.id, "w", { status: "queued" })).toMatchObject({
        status: "queued",
        leaseOwner: null,
        attempts: 1,
      });
      const again = await claim();
      expect(again).toMatchObject({ id: d.id, attempts: 2 });

      await expectStoreError(store.jobs.finish(a.id, "w", { status: "failed" }), "check");
      await expectStoreError(store.jobs.finish(again.id, "someone-else", { status: "succeeded" }), "check");
      await expectNotFound(store.jobs.finish("nope", "w", { status: "succeeded" }));
    });

    it("lets operators pause, resume and cancel", async () => {
      const store = await kit.fresh();
      const queued = await store.jobs.enqueue({ kind: "k", payload: 1 });
      const paused = await store.jobs.setStatus(queued.id, "paused");
      expect(paused.status).toBe("paused");
      // Asking for the status a job already has changes nothing.
      expect(await store.jobs.setStatus(queued.id, "paused")).toEqual(paused);
      expect(await store.jobs.claim({ kinds: ["k"], owner: "w", leaseMs: minute })).toBeUndefined();
      expect((await store.jobs.setStatus(queued.id, "queued")).status).toBe("queued");
      const running = (await store.jobs.claim({ kinds: ["k"], owner: "w", leaseMs: minute }))!;

      // Pausing a running job takes its lease away: the worker learns it on its next heartbeat.
      expect(await store.jobs.setStatus(running.id, "paused")).toMatchObject({
        status: "paused",
        leaseOwner: null,
        leaseExpiresAt: null,
      });
      await expectStoreError(store.jobs.heartbeat(running.id, "w", minute), "check");
      const cancelled = await store.jobs.setStatus(running.id, "cancelled");
      expect(cancelled.status).toBe("cancelled");
      await expectStoreError(store.jobs.setStatus(running.id, "queued"), "check");
      await expectStoreError(store.jobs.setStatus(running.id, "paused"), "check");

      const other = await store.jobs.enqueue({ kind: "k", payload: 2 });
      await store.jobs.claim({ kinds: ["k"], owner: "w", leaseMs: minute });
      expect(await store.jobs.setStatus(other.id, "cancelled")).toMatchObject({
        status: "cancelled",
        leaseOwner: null,
      });
      await expectStoreError(store.jobs.finish(other.id, "w", { status: "succeeded" }), "check");
      await expectStoreError(store.jobs.setStatus(other.id, "queued"), "check");
      await expectNotFound(store.jobs.setStatus("nope", "cancelled"));
    });

    it("counts unfinished jobs of one kind, per tenant or of all", async () => {
      const store = await kit.fresh();
      const a = await seedTenant(store);
      const b = await seedTenant(store, "other");
      expect(await store.jobs.countUnfinished({ kind: "ingest", tenantId: a.id })).toBe(0);
      const jobs = [];
      for (let i = 0; i < 6; i++)
        jobs.push(await store.jobs.enqueue({ kind: "ingest", tenantId: a.id, payload: i }));
      await store.jobs.enqueue({ kind: "ingest", tenantId: b.id, payload: 0 });
      await store.jobs.enqueue({ kind: "ingest", payload: 0 });
      await store.jobs.enqueue({ kind: "synth", tenantId: a.id, payload: 0 });
      // queued (jobs[0], jobs[5]), running, paused: unfinished; succeeded, failed, cancelled: not.
      const claim = async () => (await store.jobs.claim({ kinds: ["ingest"], owner: "w", leaseMs: minute }))!;
      await store.jobs.setStatus(jobs[0]!.id, "paused");
      expect((await claim()).id).toBe(jobs[1]!.id);
      await store.jobs.finish(jobs[1]!.id, "w", { status: "succeeded" });
      expect((await claim()).id).toBe(jobs[2]!.id);
      await store.jobs.finish(jobs[2]!.id, "w", { status: "failed", error: "x" });
      await store.jobs.setStatus(jobs[3]!.id, "cancelled");
      expect((await claim()).id).toBe(jobs[4]!.id);
      const counted = await store.jobs.countUnfinished({ kind: "ingest", tenantId: a.id });
      const listed = (await store.jobs.list({ kind: "ingest", tenantId: a.id })).filter((job) =>
        ["queued", "running", "paused"].includes(job.status),
      );
      expect(listed.map((job) => job.status).sort()).toEqual(["paused", "queued", "running"]);
      expect(counted).toBe(listed.length);
      expect(await store.jobs.countUnfinished({ kind: "ingest", tenantId: b.id })).toBe(1);
      expect(await store.jobs.countUnfinished({ kind: "ingest" })).toBe(5);
      expect(await store.jobs.countUnfinished({ kind: "synth", tenantId: a.id })).toBe(1);
      expect(await store.jobs.countUnfinished({ kind: "train" })).toBe(0);
    });

    it("lists what claim would take, in its order, without claiming", async () => {
      const store = await kit.fresh();
      const expired = await store.jobs.enqueue({ kind: "k", payload: 0 });
      const leased = await store.jobs.enqueue({ kind: "k", payload: 1 });
      const paused = await store.jobs.enqueue({ kind: "k", payload: 2 });
      const queued = await store.jobs.enqueue({ kind: "k", payload: 3 });
      const other = await store.jobs.enqueue({ kind: "other", payload: 4 });
      await store.jobs.claim({ kinds: ["k"], owner: "dead", leaseMs: 1, id: expired.id });
      await store.jobs.claim({ kinds: ["k"], owner: "alive", leaseMs: minute, id: leased.id });
      await store.jobs.setStatus(paused.id, "paused");
      await sleep(15);
      const ids = (jobs: { id: string }[]) => jobs.map((job) => job.id);
      expect(await store.jobs.claimable({ kinds: ["k"], limit: 10 })).toEqual([
        { id: expired.id, kind: "k" },
        { id: queued.id, kind: "k" },
      ]);
      expect(ids(await store.jobs.claimable({ kinds: ["k", "other"], limit: 10 }))).toEqual([
        expired.id,
        queued.id,
        other.id,
      ]);
      expect(ids(await store.jobs.claimable({ kinds: ["k", "other"], limit: 1 }))).toEqual([expired.id]);
      expect(await store.jobs.claimable({ kinds: ["none"], limit: 10 })).toEqual([]);
      expect(await store.jobs.claimable({ kinds: [], limit: 10 })).toEqual([]);
      // Nothing was claimed: claim takes them in the same order.
      expect((await store.jobs.get(queued.id))!.status).toBe("queued");
      const first = await store.jobs.claim({ kinds: ["k", "other"], owner: "w", leaseMs: minute });
      expect(first!.id).toBe(expired.id);
      for (const limit of [0, 1.5, 1001]) {
        await expect(store.jobs.claimable({ kinds: ["k"], limit })).rejects.toBeInstanceOf(ValidationError);
      }
    });

    it("re-claims a running job whose lease expired, and the old worker loses it", async () => {
      const store = await kit.fresh();
      const job = await store.jobs.enqueue({ kind: "k", payload: {} });
      await store.jobs.claim({ kinds: ["k"], owner: "dead-worker", leaseMs: 1 });
      await sleep(15);
      const reclaimed = await store.jobs.claim({ kinds: ["k"], owner: "new-worker", leaseMs: minute });
      expect(reclaimed).toMatchObject({
        id: job.id,
        status: "running",
        attempts: 2,
        leaseOwner: "new-worker",
      });
      await expectStoreError(store.jobs.heartbeat(job.id, "dead-worker", minute), "check");
      await expectStoreError(store.jobs.finish(job.id, "dead-worker", { status: "succeeded" }), "check");
      expect(await store.jobs.claim({ kinds: ["k"], owner: "third", leaseMs: minute })).toBeUndefined();
    });

    it("never gives one job to two stores claiming concurrently on the same URL", async () => {
      const url = await kit.url();
      const a = await kit.open(url);
      const b = await kit.open(url);
      const total = 60;
      for (let i = 0; i < total; i += 1) await a.jobs.enqueue({ kind: "race", payload: i });
      const drain = async (store: typeof a, owner: string) => {
        const ids: string[] = [];
        for (;;) {
          const job = await store.jobs.claim({ kinds: ["race"], owner, leaseMs: minute });
          if (!job) return ids;
          expect(job.leaseOwner).toBe(owner);
          ids.push(job.id);
        }
      };
      const [fromA, fromB] = await Promise.all([drain(a, "a"), drain(b, "b")]);
      const all = [...fromA, ...fromB];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(total);
      expect((await a.jobs.list({ status: "running" })).every((job) => job.attempts === 1)).toBe(true);
    });
  });
}
