import { describe, expect, it } from "vitest";
import { StoreError } from "../../spec/errors.js";
import type { StoreLogger } from "../store-logger.js";
import { spawnFixture } from "./fixture-process.conformance.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { deferred, expectStoreError, seedConversation, sleep } from "./store-test-kit.conformance.js";

function recordingLogger(): StoreLogger & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    info: (_fields, message) => messages.push(message),
    warn: (_fields, message) => messages.push(message),
  };
}

export function describeDurability(kit: StoreTestKit): void {
  describe("health, reopening and closing", () => {
    it("reports a healthy, current schema", async () => {
      const store = await kit.fresh();
      const health = await store.health();
      expect(health).toEqual({
        ok: true,
        engine: expect.stringMatching(/^(sqlite|postgres) \d+\.\d+/),
        schemaVersion: health.latestSchemaVersion,
        latestSchemaVersion: expect.any(Number),
        problems: [],
      });
      expect(health.latestSchemaVersion).toBeGreaterThanOrEqual(1);
      expect(health.engine.startsWith(store.kind)).toBe(true);
    });

    it("keeps data across reopening and does not migrate twice", async () => {
      const url = await kit.url();
      const logger = recordingLogger();
      const first = await kit.open(url, { logger });
      const migrationLogs = logger.messages.length;
      expect(migrationLogs).toBeGreaterThan(0);
      const { tenant, conversation } = await seedConversation(first);
      const message = await first.messages.append({
        conversationId: conversation.id,
        role: "user",
        content: "¿sigue ahí?",
      });
      await first.close();

      const second = await kit.open(url, { logger });
      expect(logger.messages).toHaveLength(migrationLogs);
      expect(await second.tenants.get(tenant.id)).toEqual(tenant);
      expect(await second.messages.list(conversation.id)).toEqual([message]);
      const health = await second.health();
      expect(health.ok).toBe(true);
      expect(health.schemaVersion).toBe(health.latestSchemaVersion);
    });

    it("closes idempotently, after the open transaction, and refuses calls afterwards", async () => {
      const url = await kit.url();
      const store = await kit.open(url);
      const gate = deferred();
      const transaction = store.transaction(async (tx) => {
        await gate.promise;
        return tx.tenants.create({ slug: "committed-before-close", name: "T" });
      });
      let closed = false;
      const closing = store.close().then(() => {
        closed = true;
      });
      await sleep(20);
      expect(closed).toBe(false);
      gate.resolve();
      const tenant = await transaction;
      await closing;
      await store.close();
      const error = await expectStoreError(store.tenants.list(), "unavailable");
      expect(error).toBeInstanceOf(StoreError);
      const reopened = await kit.open(url);
      expect(await reopened.tenants.get(tenant.id)).toEqual(tenant);
    });
  });

  describe("a full disk", () => {
    it("fails a write with the kind `full` (507, retryable), keeps what was written, and reads on", async () => {
      const url = await kit.url();
      const seeding = await kit.open(url);
      const { conversation } = await seedConversation(seeding);
      const kept = await seeding.messages.append({
        conversationId: conversation.id,
        role: "user",
        content: "hola",
      });
      // A cap below the database's size stops it where it is: any write that needs one page more fails.
      const store = await kit.open(url, { maxSizeBytes: 1 });
      const page = "x".repeat(16 * 1024);
      let error: unknown;
      for (let i = 0; i < 100 && error === undefined; i++) {
        error = await store.messages
          .append({ conversationId: conversation.id, role: "user", content: page })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
      }
      expect(StoreError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ kind: "full", code: "store_full", status: 507, retryable: true });
      expect((error as StoreError).cause, "the driver's error is kept").toBeDefined();
      expect((error as StoreError).hint).toMatch(/free/i);
      expect((await store.messages.list(conversation.id))[0]).toEqual(kept);
      expect((await store.health()).ok).toBe(true);
    });
  });

  describe("processes", () => {
    it("keeps every acknowledged write when the writer is killed mid-write", async () => {
      const url = await kit.url();
      const writer = spawnFixture("crash-writer.ts", [url]);
      const ready = await writer.waitForLine((line) => line.startsWith("ready "));
      const [, tenantId, conversationId] = ready.split(" ");
      await writer.waitForLine((line) => line.startsWith("message 300 "));
      writer.child.kill("SIGKILL");
      const exit = await writer.exited;
      expect(exit.signal, exit.stderr).toBe("SIGKILL");

      // Lines read after the kill are acknowledged writes too: all must be there.
      const acked = writer.lines.filter((line) => line.startsWith("message ")).map((line) => line.split(" "));
      const ackedJobs = writer.lines
        .filter((line) => line.startsWith("job "))
        .map((line) => line.split(" ")[1]!);
      expect(acked.length).toBeGreaterThanOrEqual(300);

      const store = await kit.open(url);
      expect((await store.health()).problems).toEqual([]);
      const messages = await store.messages.list(conversationId!);
      expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
      const stored = new Map(messages.map((m) => [m.id, m.seq]));
      for (const [, seq, id] of acked) expect(stored.get(id!)).toBe(Number(seq));
      const jobs = new Set((await store.jobs.list({ tenantId: tenantId! })).map((job) => job.id));
      for (const id of ackedJobs) expect(jobs.has(id)).toBe(true);
      // The store is still writable after the crash.
      await store.messages.append({ conversationId: conversationId!, role: "user", content: "after" });
    });

    it("never gives one job to two processes claiming at once", async () => {
      const url = await kit.url();
      const store = await kit.open(url);
      const total = 200;
      await store.transaction(async (tx) => {
        for (let i = 0; i < total; i += 1) await tx.jobs.enqueue({ kind: "race", payload: i });
      });
      const claimers = ["p1", "p2"].map((owner) => ({
        owner,
        process: spawnFixture("job-claimer.ts", [url, owner]),
      }));
      await Promise.all(claimers.map(({ process }) => process.waitForLine((line) => line === "ready")));
      for (const { process } of claimers) process.child.stdin.write("go\n");
      const exits = await Promise.all(claimers.map(({ process }) => process.exited));
      for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

      const claimedBy = new Map<string, string>();
      for (const { owner, process } of claimers) {
        expect(process.lines.at(-1)).toBe("done");
        for (const line of process.lines.filter((l) => l.startsWith("claimed "))) {
          const id = line.slice("claimed ".length);
          expect(claimedBy.has(id), `job ${id} claimed twice`).toBe(false);
          claimedBy.set(id, owner);
        }
      }
      expect(claimedBy.size).toBe(total);
      for (const job of await store.jobs.list({ kind: "race" })) {
        expect(job).toMatchObject({ status: "running", attempts: 1, leaseOwner: claimedBy.get(job.id) });
      }
    });
  });
}
