/**
 * The worker loop on a real store (SQLite, and PostgreSQL when installed),
 * with a job kind of its own whose runner claims through the same
 * `claimJob` the engines use: two loops sharing one queue run every job once;
 * a loop stopped mid-job queues its job again for the next worker.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimJob } from "../../distill/pipeline/claim-job.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { openStore } from "../../store/open-store.js";
import { describePostgres, freshPostgresUrl } from "../../store/postgres/postgres-test-server.fixture.js";
import type { JobRunner } from "./job-runners.js";
import { runWorker } from "./run-worker.js";

const nouns = { kind: "race", what: "race job", command: "race" };

/** Claims the job like the engines do, holds it `ms`, records who ran it, and succeeds (or stops on abort). */
function raceRunner(ranBy: Map<string, string[]>, ms: number): JobRunner {
  return async ({ store, jobId, owner, leaseMs, signal }) => {
    await claimJob(store, jobId, nouns, { owner, leaseMs, waitMs: 0 });
    ranBy.set(jobId, [...(ranBy.get(jobId) ?? []), owner]);
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (signal.aborted) {
      await store.jobs.finish(jobId, owner, { status: "paused" });
      return { outcome: "interrupted", error: null };
    }
    await store.jobs.finish(jobId, owner, { status: "succeeded" });
    return { outcome: "succeeded", error: null };
  };
}

const loop = (store: Store, owner: string, ranBy: Map<string, string[]>, signal: AbortSignal, ms = 5) =>
  runWorker({
    store,
    models: () => {
      throw new Error("no models in this test");
    },
    kinds: ["race"],
    owner,
    leaseMs: 10_000,
    pollMs: 20,
    once: true,
    signal,
    log: () => {},
    runners: { race: raceRunner(ranBy, ms) },
  });

function describeWorkerLoop(name: string, makeUrl: () => Promise<string>) {
  it(`${name}: two loops on one queue run every job exactly once`, async () => {
    const store = await openStore(await makeUrl());
    try {
      const jobs = [];
      for (let i = 0; i < 20; i++) jobs.push(await store.jobs.enqueue({ kind: "race", payload: { i } }));
      const ranBy = new Map<string, string[]>();
      const never = new AbortController().signal;
      const [a, b] = await Promise.all([loop(store, "a", ranBy, never), loop(store, "b", ranBy, never)]);
      expect(a + b).toBe(20);
      expect(jobs.map((job) => ranBy.get(job.id)?.length)).toEqual(jobs.map(() => 1));
      expect((await store.jobs.list({ kind: "race", status: "succeeded" })).length).toBe(20);
    } finally {
      await store.close();
    }
  });

  it(`${name}: a loop stopped mid-job queues the job again`, async () => {
    const store = await openStore(await makeUrl());
    try {
      const job = await store.jobs.enqueue({ kind: "race", payload: {} });
      const stop = new AbortController();
      const ranBy = new Map<string, string[]>();
      const running = loop(store, "a", ranBy, stop.signal, 300);
      await new Promise((resolve) => setTimeout(resolve, 150));
      stop.abort();
      expect(await running).toBe(1);
      expect(await store.jobs.get(job.id)).toMatchObject({ status: "queued", leaseOwner: null });
      expect(await loop(store, "b", ranBy, new AbortController().signal)).toBe(1);
      expect(ranBy.get(job.id)).toEqual(["a", "b"]);
    } finally {
      await store.close();
    }
  });
  it(`${name}: an idle look is one read of claimable ids, whatever other jobs are queued`, async () => {
    const store = await openStore(await makeUrl());
    try {
      for (let i = 0; i < 30; i++)
        await store.jobs.enqueue({ kind: "other", payload: { text: "x".repeat(10_000) } });
      const calls = { list: 0, claimable: 0, found: 0 };
      const jobs = new Proxy(store.jobs, {
        get(target, key) {
          const value = Reflect.get(target, key) as (...args: unknown[]) => Promise<unknown>;
          if (key === "list") calls.list += 1;
          if (key !== "claimable") return value;
          return async (...args: unknown[]) => {
            calls.claimable += 1;
            const page = (await value.apply(target, args)) as unknown[];
            calls.found += page.length;
            return page;
          };
        },
      });
      const counted = new Proxy(store, {
        get: (target, key) => (key === "jobs" ? jobs : Reflect.get(target, key)),
      });
      const stop = new AbortController();
      const running = runWorker({
        store: counted,
        models: () => {
          throw new Error("no models in this test");
        },
        kinds: ["race"],
        owner: "idle",
        leaseMs: 10_000,
        pollMs: 20,
        once: false,
        signal: stop.signal,
        log: () => {},
        runners: { race: raceRunner(new Map(), 1) },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop.abort();
      expect(await running).toBe(0);
      expect(calls.claimable).toBeGreaterThanOrEqual(3);
      expect(calls).toMatchObject({ list: 0, found: 0 });
    } finally {
      await store.close();
    }
  });

  it(`${name}: jobs it cannot run are passed over, past a full page of them`, async () => {
    const store = await openStore(await makeUrl());
    try {
      const bad: Job[] = [];
      for (let i = 0; i < 11; i++)
        bad.push(await store.jobs.enqueue({ kind: "race", payload: { bad: true } }));
      const good = await store.jobs.enqueue({ kind: "race", payload: {} });
      const ranBy = new Map<string, string[]>();
      const race = raceRunner(ranBy, 1);
      const refused: string[] = [];
      const ran = await runWorker({
        store,
        models: () => {
          throw new Error("no models in this test");
        },
        kinds: ["race"],
        owner: "picky",
        leaseMs: 10_000,
        pollMs: 20,
        once: true,
        signal: new AbortController().signal,
        log: () => {},
        runners: {
          race: async (run) => {
            if (bad.some((job) => job.id === run.jobId)) {
              refused.push(run.jobId);
              throw new AlambiqueError("not here", {
                code: "invalid_request",
                status: 400,
                retryable: false,
              });
            }
            return race(run);
          },
        },
      });
      expect(ran).toBe(1);
      expect(ranBy.get(good.id)).toEqual(["picky"]);
      // Each refused once, and left as it was for a worker that can run it.
      expect(refused.sort()).toEqual(bad.map((job) => job.id).sort());
      expect((await store.jobs.list({ kind: "race", status: "queued" })).length).toBe(11);
    } finally {
      await store.close();
    }
  });
}

describe("worker loop: sqlite", () => {
  describeWorkerLoop("sqlite", async () => join(mkdtempSync(join(tmpdir(), "alq-loop-")), "alambique.db"));
});
describePostgres("worker loop: postgres", () => {
  describeWorkerLoop("postgres", () => freshPostgresUrl("loop"));
});
