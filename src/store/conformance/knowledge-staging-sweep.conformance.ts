/**
 * The sweep of abandoned staged sources when a store opens
 * (sweep-abandoned-sources.ts), on every store: what it removes (retired
 * versions; staged ones untouched for `abandonedAfterMs`, of every tenant),
 * what it leaves (live sources, staged ones a writer may still be writing),
 * that it stops after its budget, and the real case: a writer killed with
 * SIGKILL mid-staging, whose rows a reopen a minute later removes.
 *
 * "A minute later" moves only `Date` forward (vi.setSystemTime with Date
 * alone faked): the rows keep the times they were written at, and the
 * store's timers and connections run on real time.
 */
import { describe, expect, it, vi } from "vitest";
import { abandonedAfterMs } from "../../spec/store/knowledge-repository.js";
import type { Store } from "../../spec/store.js";
import { sweepAbandonedSources } from "../sweep-abandoned-sources.js";
import { spawnFixture } from "./fixture-process.conformance.js";
import { putTexts, type SeededAgent, seedAgent } from "./knowledge-kit.conformance.js";
import { future, stageTexts, visible } from "./knowledge-staging.conformance.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectNotFound, seedTenant } from "./store-test-kit.conformance.js";

/** Runs `fn` with the clock `ms` ahead (Date only). */
async function later<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ms });
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

const hiddenOf = async (store: Store, { tenant, agent }: SeededAgent) =>
  (await store.knowledge.abandonedSources(tenant.id, agent.id, future)).map((s) => s.id).sort();

export function describeStagingSweep(kit: StoreTestKit): void {
  describe("knowledge: abandoned staged sources swept at open", () => {
    it("removes retired versions and stale staged ones of every tenant; leaves live ones and fresh staging", async () => {
      const url = await kit.url();
      const store = await kit.open(url);
      const a = await seedAgent(store);
      const b = await seedAgent(store, await seedTenant(store));
      await putTexts(store, a, "manual.pdf", ["antiguo uno", "antiguo dos"]);
      const before = await visible(store, a, "antiguo");
      await stageTexts(store, a, "manual.pdf", ["nuevo a medias 1", "nuevo a medias 2"]);
      await stageTexts(store, b, "otro.pdf", ["otro a medias"]);
      const old = await putTexts(store, b, "menu.md", ["menú viejo"]);
      const next = await stageTexts(store, b, "menu.md", ["menú nuevo"]);
      const { retired } = await store.knowledge.publishSource({
        tenantId: b.tenant.id,
        agentId: b.agent.id,
        sourceId: next.id,
      });
      expect(retired).toBe(old.id);

      // At once: only the retired version goes (a staged one's writer may be alive).
      const soon = await kit.open(url);
      expect(await hiddenOf(soon, a)).toHaveLength(1);
      expect(await hiddenOf(soon, b)).toHaveLength(1);

      const fresh = await later(abandonedAfterMs + 1000, async () => {
        const staged = await stageTexts(store, a, "fresco.pdf", ["recién empezado"]);
        const reopened = await kit.open(url);
        expect(await hiddenOf(reopened, a)).toEqual([staged.id]);
        expect(await hiddenOf(reopened, b)).toEqual([]);
        return staged;
      });
      expect(await visible(store, a, "antiguo")).toEqual(before);
      expect((await visible(store, b, "menú")).chunks).toEqual(["menú nuevo"]);
      // The fresh one is still the writer's to finish.
      await store.knowledge.publishSource({ tenantId: a.tenant.id, agentId: a.agent.id, sourceId: fresh.id });
      expect((await visible(store, a, "empezado")).found).toBe(1);
    });

    it("stops after its budget of chunks; the next sweep goes on", async () => {
      const store = await kit.fresh();
      const seeded = await seedAgent(store);
      const texts = Array.from({ length: 25 }, (_, i) => `borrador ${i}`);
      const staged = await stageTexts(store, seeded, "largo.pdf", texts);
      const sweep = () =>
        sweepAbandonedSources(store, { abandonedAfterMs: 0, maxChunks: 10, batchChunks: 4 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await sweep()).toEqual({ sources: 0, more: true });
      expect(await hiddenOf(store, seeded)).toEqual([staged.id]);
      expect(await sweep()).toEqual({ sources: 0, more: true });
      expect(await sweep()).toEqual({ sources: 1, more: false });
      expect(await hiddenOf(store, seeded)).toEqual([]);
      expect(await sweep()).toEqual({ sources: 0, more: false });
      await expect(store.knowledge.allAbandonedSources(future, 0)).rejects.toThrow();
      await expect(store.knowledge.allAbandonedSources(future, 1001)).rejects.toThrow();
    });

    it("after a kill -9 mid-staging: the old version live and whole, the staged rows never served, then swept by a reopen", async () => {
      const url = await kit.url();
      const store = await kit.open(url);
      const seeded = await seedAgent(store);
      const { tenant, agent } = seeded;
      await putTexts(store, seeded, "manual.pdf", ["antiguo uno", "antiguo dos"]);
      const before = await visible(store, seeded, "antiguo");
      const writer = spawnFixture("staging-writer.ts", [url, tenant.id, agent.id, "manual.pdf"]);
      const stagedId = (await writer.waitForLine((line) => line.startsWith("staged "))).split(" ")[1]!;
      await writer.waitForLine((line) => line === "appended 500");
      writer.child.kill("SIGKILL");
      const exit = await writer.exited;
      expect(exit.signal, exit.stderr).toBe("SIGKILL");

      const reopened = await kit.open(url);
      expect(await visible(reopened, seeded, "antiguo")).toEqual(before);
      expect((await visible(reopened, seeded, "nuevo")).found).toBe(0);
      // Within a minute of its last append, a reopen cannot tell a dead writer from a live one: kept.
      expect(await hiddenOf(reopened, seeded)).toEqual([stagedId]);

      const swept = await later(abandonedAfterMs + 1000, () => kit.open(url));
      expect(await hiddenOf(swept, seeded)).toEqual([]);
      expect(await visible(swept, seeded, "antiguo")).toEqual(before);
      await expectNotFound(swept.knowledge.purgeSource(tenant.id, stagedId, 10));
      const again = await stageTexts(swept, seeded, "manual.pdf", ["nuevo bien escrito"]);
      await swept.knowledge.publishSource({ tenantId: tenant.id, agentId: agent.id, sourceId: again.id });
      expect(await visible(swept, seeded, "nuevo")).toMatchObject({
        sources: [["manual.pdf", "staged-manual.pdf-1", 1]],
        chunks: ["nuevo bien escrito"],
        found: 1,
      });
    });
  });
}
