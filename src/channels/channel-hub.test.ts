import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AgentRuntime } from "../agents/agent-runtime.js";
import { seedDemoAgent } from "../agents/demo-agent.fixture.js";
import { NotFoundError } from "../spec/errors.js";
import type { ModelResolver } from "../spec/models.js";
import { defaultTenant } from "../store/default-tenant.js";
import { openStore } from "../store/open-store.js";
import { ChannelHub } from "./channel-hub.js";
import { startTelegramStandIn, telegramTextUpdate } from "./telegram/telegram-stand-in.fixture.js";

/** Retrieval mode: the demo agent's spec names no model it needs here. */
const noModels: ModelResolver = {
  languageModel: (name) => Promise.reject(new NotFoundError("model", name)),
  embeddingModel: (name) => Promise.reject(new NotFoundError("model", name)),
  list: async () => [],
};

const dir = mkdtempSync(join(tmpdir(), "alq-channel-hub-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("channel hub", () => {
  it("loses nothing across a restart: an event queued before it is answered after it", async () => {
    const file = join(dir, "alambique.db");
    const secretKey = randomBytes(32).toString("hex");
    const telegram = await startTelegramStandIn();
    const webhookSecret = "restart-test-webhook-secret";
    try {
      // First process: the webhook is verified and queued, then the process stops before any turn.
      const first = await openStore(file);
      const { agent } = await seedDemoAgent(first, (await defaultTenant(first)).id);
      const hub = new ChannelHub({
        store: first,
        agents: new AgentRuntime({ store: first, models: noModels }),
        customerAnswer: (r) => r.text,
        secretKey,
      });
      const { record } = await hub.configs.add({
        tenantId: agent.tenantId,
        agentId: agent.id,
        kind: "telegram",
        settings: { baseUrl: telegram.baseUrl },
        secrets: { botToken: telegram.token, webhookSecret },
      });
      const rawBody = Buffer.from(JSON.stringify(telegramTextUpdate(31, 900, "¿Hacéis pan sin gluten?")));
      const request = {
        method: "POST",
        headers: { "x-telegram-bot-api-secret-token": webhookSecret },
        query: {},
        rawBody,
      };
      expect(await hub.inbox.receive(record.id, request)).toEqual({ queued: 1, events: 1 });
      await first.close();

      // Second process: the worker finds the event and answers it, once.
      const second = await openStore(file);
      const restarted = new ChannelHub({
        store: second,
        agents: new AgentRuntime({ store: second, models: noModels }),
        customerAnswer: (r) => r.text,
        secretKey,
        pollMs: 30,
      });
      expect(await restarted.inbox.receive(record.id, request)).toEqual({ queued: 0, events: 1 });
      restarted.worker.start();
      const deadline = Date.now() + 10_000;
      while (telegram.sent().length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 30));
      await restarted.worker.stop();
      expect(telegram.sent()).toHaveLength(1);
      expect(telegram.sent()[0]!.params.chat_id).toBe("900");
      await second.close();
    } finally {
      await telegram.close();
    }
  });
});
