import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AgentRuntime } from "../agents/agent-runtime.js";
import { seedDemoAgent } from "../agents/demo-agent.fixture.js";
import { NotFoundError } from "../spec/errors.js";
import type { ModelResolver } from "../spec/models.js";
import type { Store } from "../spec/store.js";
import { defaultTenant } from "../store/default-tenant.js";
import { openStore } from "../store/open-store.js";
import { ChannelHub } from "./channel-hub.js";
import {
  startTelegramStandIn,
  type TelegramStandIn,
  telegramTextUpdate,
} from "./telegram/telegram-stand-in.fixture.js";

/** Retrieval mode: the demo agent's spec names no model it needs here. */
const noModels: ModelResolver = {
  languageModel: (name) => Promise.reject(new NotFoundError("model", name)),
  embeddingModel: (name) => Promise.reject(new NotFoundError("model", name)),
  list: async () => [],
};

const dir = mkdtempSync(join(tmpdir(), "alq-channel-hub-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hub over `store` whose agents answer in retrieval mode, with the text the agent wrote. */
function hubOver(store: Store, secretKey: string, pollMs?: number): ChannelHub {
  return new ChannelHub({
    store,
    agents: new AgentRuntime({ store, models: noModels }),
    customerAnswer: (r) => r.text,
    secretKey,
    ...(pollMs !== undefined ? { pollMs } : {}),
  });
}

/** The demo agent's Telegram channel, on the stand-in, verifying its webhooks with `webhookSecret`. */
async function addTelegram(hub: ChannelHub, store: Store, telegram: TelegramStandIn, webhookSecret: string) {
  const { agent } = await seedDemoAgent(store, (await defaultTenant(store)).id);
  const { record } = await hub.configs.add({
    tenantId: agent.tenantId,
    agentId: agent.id,
    kind: "telegram",
    settings: { baseUrl: telegram.baseUrl },
    secrets: { botToken: telegram.token, webhookSecret },
  });
  return record;
}

/** Telegram's webhook call for a text message, signed as the channel expects it. */
function telegramWebhook(webhookSecret: string, update: number, chat: number, text: string) {
  const rawBody = Buffer.from(JSON.stringify(telegramTextUpdate(update, chat, text)));
  return {
    method: "POST",
    headers: { "x-telegram-bot-api-secret-token": webhookSecret },
    query: {},
    rawBody,
  };
}

/** Runs the hub's worker until the stand-in has `count` sends (10 s at most). */
async function drain(hub: ChannelHub, telegram: TelegramStandIn, count: number): Promise<void> {
  hub.worker.start();
  const deadline = Date.now() + 10_000;
  while (telegram.sent().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
  await hub.worker.stop();
}

describe("channel hub", () => {
  it("loses nothing across a restart: an event queued before it is answered after it", async () => {
    const file = join(dir, "alambique.db");
    const secretKey = randomBytes(32).toString("hex");
    const telegram = await startTelegramStandIn();
    const webhookSecret = "restart-test-webhook-secret";
    try {
      // First process: the webhook is verified and queued, then the process stops before any turn.
      const first = await openStore(file);
      const hub = hubOver(first, secretKey);
      const record = await addTelegram(hub, first, telegram, webhookSecret);
      const request = telegramWebhook(webhookSecret, 31, 900, "¿Hacéis pan sin gluten?");
      expect(await hub.inbox.receive(record.id, request)).toEqual({ queued: 1, events: 1 });
      await first.close();

      // Second process: the worker finds the event and answers it, once.
      const second = await openStore(file);
      const restarted = hubOver(second, secretKey, 30);
      expect(await restarted.inbox.receive(record.id, request)).toEqual({ queued: 0, events: 1 });
      await drain(restarted, telegram, 1);
      expect(telegram.sent()).toHaveLength(1);
      expect(telegram.sent()[0]!.params.chat_id).toBe("900");
      await second.close();
    } finally {
      await telegram.close();
    }
  });

  it("opens a channel's secrets once for its turns and their sends, not once per row", async () => {
    const store = await openStore(join(dir, "opened-once.db"));
    const telegram = await startTelegramStandIn();
    try {
      const hub = hubOver(store, randomBytes(32).toString("hex"), 30);
      const webhookSecret = "opened-once-webhook-secret";
      const record = await addTelegram(hub, store, telegram, webhookSecret);
      await hub.inbox.receive(record.id, telegramWebhook(webhookSecret, 41, 901, "¿Abrís el domingo?"));
      await hub.inbox.receive(record.id, telegramWebhook(webhookSecret, 42, 901, "¿Hacéis pan sin gluten?"));
      // Counts the real decryptions: every opened channel goes through `configs.open`
      // (the webhooks above opened it too, to verify themselves).
      const open = hub.configs.open.bind(hub.configs);
      let opens = 0;
      hub.configs.open = (channel) => {
        opens += 1;
        return open(channel);
      };
      await drain(hub, telegram, 2);
      expect(telegram.sent()).toHaveLength(2);
      expect(opens).toBe(1);
    } finally {
      await telegram.close();
      await store.close();
    }
  });
});
