import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../spec/store.js";
import { openStore } from "../store/open-store.js";
import { ChannelHealth } from "./channel-health.js";

let dir: string;
let store: Store;
let channelId: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-channel-health-"));
  store = await openStore(join(dir, "alambique.db"));
  const tenant = await store.tenants.create({ slug: "shop", name: "Shop" });
  const agent = await store.agents.create({ tenantId: tenant.id, name: "espiga", spec: {} });
  const channel = await store.channels.create({
    tenantId: tenant.id,
    agentId: agent.id,
    kind: "whatsapp",
    settings: {},
    sealedSecrets: Buffer.alloc(1),
  });
  channelId = channel.id;
});

afterEach(async () => {
  await store.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enqueue = (key: string) =>
  store.channels.enqueueOutbound({ channelId, idempotencyKey: key, payload: {} });

describe("ChannelHealth", () => {
  it("reads the queues at most once per cacheMs, concurrent callers sharing one read", async () => {
    const health = new ChannelHealth(store, { cacheMs: 1000 });
    const [a, b] = await Promise.all([health.snapshot(), health.snapshot()]);
    expect(a).toBe(b);
    await enqueue("a:1");
    expect((await health.snapshot()).channels[0]?.outboundQueued).toBe(0);
    await sleep(1100);
    expect((await health.snapshot()).channels[0]?.outboundQueued).toBe(1);
  });

  it("calls a channel out once its oldest queued message is stale, and not before", async () => {
    const health = new ChannelHealth(store, { staleAfterMs: 1000, cacheMs: 0 });
    await enqueue("a:1");
    await enqueue("b:1");
    expect(await health.problems()).toEqual([]);
    await sleep(1100);
    expect(await health.problems()).toEqual([
      expect.stringMatching(/^espiga: whatsapp: 2 messages queued, the oldest for \d+ s$/),
    ]);
  });

  it("calls a channel out after a streak of failed sends, cleared by one that goes through", async () => {
    const health = new ChannelHealth(store, { failureStreak: 2, cacheMs: 0 });
    health.recordSend(channelId, "whatsapp", "failed");
    expect(await health.problems()).toEqual([]);
    health.recordSend(channelId, "whatsapp", "failed");
    expect(await health.problems()).toEqual(["espiga: whatsapp: the last 2 sends failed"]);
    health.recordSend(channelId, "whatsapp", "sent");
    expect(await health.problems()).toEqual([]);
    expect(health.sends().get("whatsapp")).toEqual({ sent: 1, failed: 2 });
  });

  it("says so when the store cannot be read, and reads again on the next call", async () => {
    const health = new ChannelHealth(store, { cacheMs: 60_000 });
    await store.close();
    expect(await health.problems()).toEqual(["the channels' queues cannot be read"]);
    await expect(health.snapshot()).rejects.toThrow();
  });
});
