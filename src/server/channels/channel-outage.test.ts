/**
 * A provider outage, end to end: the real server on 127.0.0.1 with a real
 * SQLite store, a retrieval-mode agent, and Telegram's stand-in answering
 * 503 to sends for a while. The answer waits in the queue (retried with
 * backoff), `/readyz` says which agent's channel is out (200 `degraded`, no
 * address or token), `/metrics` counts it by kind, and both recover once the
 * provider answers again.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTelegramStandIn,
  type TelegramStandIn,
  telegramTextUpdate,
} from "../../channels/telegram/telegram-stand-in.fixture.js";
import { until } from "../../testing/until.fixture.js";
import { type ApiServer, agentSpec, startApiServer } from "../api/api-server.fixture.js";

let server: ApiServer;
let telegram: TelegramStandIn;
let channelId: string;

beforeAll(async () => {
  telegram = await startTelegramStandIn();
  server = await startApiServer({
    channels: {
      secretKey: randomBytes(32).toString("base64"),
      pollMs: 50,
      backoffBaseMs: 100,
      maxBackoffMs: 200,
      maxAttempts: 50,
      outage: { staleAfterMs: 600, failureStreak: 3, cacheMs: 100 },
    },
  });
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  const admin = server.operator.admin;
  await server.call(admin, { method: "PUT", url: "/api/agents/espiga", payload: agentSpec("espiga") });
  const created = await server.call(admin, {
    method: "POST",
    url: "/api/agents/espiga/channels",
    payload: {
      kind: "telegram",
      settings: { baseUrl: telegram.baseUrl },
      secrets: { botToken: telegram.token },
      publicUrl: base,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  channelId = created.json().id;
});

afterAll(async () => {
  await server?.close();
  await telegram?.close();
});

const readyz = async () => {
  const res = await server.app.inject({ url: "/readyz" });
  return { statusCode: res.statusCode, body: res.body, json: res.json() };
};

/** The value of one sample of `/metrics`, or undefined when absent. */
async function metric(name: string, labels: string): Promise<number | undefined> {
  const text = (await server.app.inject({ url: "/metrics" })).body;
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

describe("a channel's provider outage", () => {
  it("is ready, with every queue at zero, before anything happens", async () => {
    const ready = await readyz();
    expect(ready.statusCode).toBe(200);
    expect(ready.json).toMatchObject({ status: "ready", channels: { degraded: [] } });
    expect(await metric("alambique_channel_queued_messages", 'kind="telegram",direction="outbound"')).toBe(0);
    expect(await metric("alambique_channel_queued_messages", 'kind="telegram",direction="inbound"')).toBe(0);
  });

  it("queues the answer while sends fail, reads degraded naming agent and kind, then recovers", async () => {
    telegram.failNext(12, { status: 503 }, "/sendMessage");
    expect((await telegram.deliver(telegramTextUpdate(1, 777, "¿Abrís el domingo?"))).status).toBe(200);

    const degraded = await until(async () => {
      const ready = await readyz();
      return ready.json.status === "degraded" ? ready : undefined;
    });
    expect(degraded.statusCode).toBe(200);
    const lines = degraded.json.channels.degraded as string[];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^espiga: telegram: .*(the last \d+ sends failed|queued, the oldest for \d+ s)/);
    // Public: neither the bot token nor the provider's address.
    expect(degraded.body).not.toContain(telegram.token);
    expect(degraded.body).not.toContain(telegram.baseUrl);
    expect(await metric("alambique_channel_queued_messages", 'kind="telegram",direction="outbound"')).toBe(1);
    expect(await metric("alambique_channel_send_failures_total", 'kind="telegram"')).toBeGreaterThanOrEqual(
      1,
    );
    // Both signals: the streak, and (once older than 600 ms) the message still queued.
    const both = await until(async () => {
      const line = ((await readyz()).json.channels.degraded as string[])[0];
      return line?.includes("queued, the oldest for") && line.includes("sends failed") ? line : undefined;
    });
    expect(both).toMatch(
      /^espiga: telegram: 1 message queued, the oldest for \d+ s; the last \d+ sends failed$/,
    );
    expect(
      await metric("alambique_channel_oldest_queued_age_seconds", 'kind="telegram",direction="outbound"'),
    ).toBeGreaterThanOrEqual(0.6);

    // The provider answers again: the queued answer goes out once, and the server reads ready.
    await until(async () => telegram.sent().length === 1);
    const ready = await until(async () => {
      const r = await readyz();
      return r.json.status === "ready" ? r : undefined;
    });
    expect(ready.json.channels).toEqual({ degraded: [] });
    expect(telegram.sent()).toHaveLength(1);
    expect(await server.store.channels.listOutbound(channelId, { status: "sent" })).toHaveLength(1);
    expect(await metric("alambique_channel_sends_total", 'kind="telegram"')).toBe(1);
    expect(await metric("alambique_channel_send_failures_total", 'kind="telegram"')).toBe(12);
    expect(await metric("alambique_channel_queued_messages", 'kind="telegram",direction="outbound"')).toBe(0);
    expect(
      await metric("alambique_channel_oldest_queued_age_seconds", 'kind="telegram",direction="outbound"'),
    ).toBe(0);
  });
});
