/**
 * Channels end to end: the real server listening on 127.0.0.1, a real SQLite
 * store, a retrieval-mode agent answering from an uploaded document, and the
 * providers' stand-ins (the only fake part) calling the webhooks with real
 * signatures and taking the answers.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTelegramStandIn,
  type TelegramStandIn,
  telegramTextUpdate,
} from "../../channels/telegram/telegram-stand-in.fixture.js";
import {
  startWhatsAppStandIn,
  type WhatsAppStandIn,
  whatsappNotification,
} from "../../channels/whatsapp/whatsapp-stand-in.fixture.js";
import { channelExternalUserId } from "../../spec/channel.js";
import { until } from "../../testing/until.fixture.js";
import { type ApiServer, agentSpec, startApiServer } from "../api/api-server.fixture.js";

let server: ApiServer;
let base: string;
let telegram: TelegramStandIn;
let whatsapp: WhatsAppStandIn;
let telegramId: string;
let whatsappId: string;
/** Moves the channels' clock (the WhatsApp window) forward. */
let clockOffsetMs = 0;

const chatId = 4242;
const phone = "34600111222";

beforeAll(async () => {
  [telegram, whatsapp] = await Promise.all([startTelegramStandIn(), startWhatsAppStandIn()]);
  server = await startApiServer({
    channels: {
      secretKey: randomBytes(32).toString("base64"),
      pollMs: 50,
      backoffBaseMs: 150,
      now: () => new Date(Date.now() + clockOffsetMs),
    },
  });
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  const admin = server.operator.admin;
  await server.call(admin, { method: "PUT", url: "/api/agents/espiga", payload: agentSpec("espiga") });
  const form = new FormData();
  form.append(
    "file",
    new Blob([
      "# Horario de la tienda\n\nAbrimos de lunes a sábado de 8:00 a 14:00. Los domingos cerramos.\n",
    ]),
    "horario-tienda.md",
  );
  await server.call(admin, { method: "POST", url: "/api/agents/espiga/knowledge", payload: form });
  const tg = await server.call(admin, {
    method: "POST",
    url: "/api/agents/espiga/channels",
    payload: {
      kind: "telegram",
      settings: { baseUrl: telegram.baseUrl },
      secrets: { botToken: telegram.token },
      publicUrl: base,
    },
  });
  expect(tg.statusCode, tg.body).toBe(201);
  telegramId = tg.json().id;
  const wa = await server.call(admin, {
    method: "POST",
    url: "/api/agents/espiga/channels",
    payload: {
      kind: "whatsapp",
      settings: { baseUrl: whatsapp.baseUrl, phoneNumberId: whatsapp.phoneNumberId },
      secrets: {
        accessToken: whatsapp.accessToken,
        appSecret: whatsapp.appSecret,
        verifyToken: "verify-me-please",
      },
    },
  });
  expect(wa.statusCode, wa.body).toBe(201);
  whatsappId = wa.json().id;
});

afterAll(async () => {
  await server?.close();
  await Promise.all([telegram?.close(), whatsapp?.close()]);
});

/** Waits until the channel's outbound queue holds nothing queued. */
async function settled(channelId: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await until(
    async () => (await server.store.channels.listOutbound(channelId, { status: "queued" })).length === 0,
  );
}

const textsTo = (chat: number) =>
  telegram
    .sent()
    .filter((s) => String(s.params.chat_id) === String(chat))
    .map((s) => String(s.params.text));

describe("telegram through the server", () => {
  it("set its webhook with a secret token, and lists no secret", async () => {
    expect(telegram.webhook?.url).toBe(`${base}/channels/${telegramId}/webhook`);
    const list = await server.call(server.operator.admin, { url: "/api/agents/espiga/channels" });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(telegram.token);
    expect(list.body).not.toContain(telegram.webhook!.secretToken);
    expect(list.body).not.toContain(whatsapp.appSecret);
    expect(list.json().data.map((c: { kind: string }) => c.kind)).toEqual(["telegram", "whatsapp"]);
    const test = await server.call(server.operator.admin, {
      method: "POST",
      url: `/api/agents/espiga/channels/${telegramId}/test`,
    });
    expect(test.json()).toEqual({ ok: true, details: { bot: "@espiga_bot" }, problems: [] });
  });

  it("answers a customer once, from the documents, without markers or file names, even when redelivered", async () => {
    const update = telegramTextUpdate(1001, chatId, "¿Qué horario tenéis?");
    const first = await telegram.deliver(update);
    expect(first.status).toBe(200);
    const texts = await until(() => (textsTo(chatId).length > 0 ? textsTo(chatId) : undefined));
    expect((await telegram.deliver(update)).status).toBe(200);
    await settled(telegramId);
    expect(textsTo(chatId)).toEqual(texts);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("8:00");
    // The source by its title, as the widget names it, in MarkdownV2 italics; escaped punctuation.
    expect(texts[0]).toMatch(/_Sources?: Horario de la tienda_|_Fuentes?: Horario de la tienda_/);
    expect(texts[0]).toContain("14:00\\.");
    expect(texts[0]).not.toMatch(/\[S\d|horario-tienda\.md/);
    const conversation = await server.store.conversations.findOpen(
      server.operator.tenant.id,
      (await server.store.agents.getByName(server.operator.tenant.id, "espiga"))!.id,
      channelExternalUserId(telegramId, String(chatId)),
    );
    expect(conversation?.status).toBe("bot");
  });

  it("refuses a forged secret token with 401 and stores nothing", async () => {
    const update = telegramTextUpdate(1002, 5151, "forged");
    const forged = await telegram.deliver(update, "not-the-secret-token-at-all");
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
      "channel_signature_invalid",
    );
    const missing = await telegram.deliver(update, null);
    expect(missing.status).toBe(401);
    const unknown = await fetch(`${base}/channels/00000000-0000-7000-8000-000000000000/webhook`, {
      method: "POST",
      body: "{}",
    });
    expect(unknown.status).toBe(401);
    const conversations = await server.store.conversations.list(server.operator.tenant.id);
    expect(conversations.some((c) => c.externalUserId.endsWith(":5151"))).toBe(false);
    // The id was not taken by the forged call: the real delivery of it is answered.
    expect((await telegram.deliver(update)).status).toBe(200);
    await until(() => textsTo(5151).length === 1);
  });

  it("acknowledges a sticker and tells the agent what arrived", async () => {
    const update = telegramTextUpdate(1003, 6161, "");
    const { text: _, ...message } = update.message as Record<string, unknown>;
    const response = await telegram.deliver({
      ...update,
      message: { ...message, sticker: { file_id: "CAAD" } },
    });
    expect(response.status).toBe(200);
    const said = await until(async () => {
      const conversations = await server.store.conversations.list(server.operator.tenant.id);
      const mine = conversations.find((c) => c.externalUserId.endsWith(":6161"));
      return mine ? (await server.store.messages.list(mine.id)).find((m) => m.role === "user") : undefined;
    });
    expect(said.content).toMatch(/sent a sticker/);
  });

  it("sends a person's reply from the desk on the customer's channel", async () => {
    const conversation = (await server.store.conversations.list(server.operator.tenant.id)).find(
      (c) => c.externalUserId === channelExternalUserId(telegramId, String(chatId)),
    )!;
    const reply = await server.call(server.operator.admin, {
      method: "POST",
      url: `/api/conversations/${conversation.id}/reply`,
      payload: { text: "Hola, soy Marta. ¡Te guardo 2 barras!", staff: "Marta" },
    });
    expect(reply.statusCode).toBe(201);
    const last = await until(() => textsTo(chatId).find((t) => t.includes("Marta")));
    expect(last).toBe("*Marta*\nHola, soy Marta\\. ¡Te guardo 2 barras\\!");
  });

  it("retries a 429 and a 5xx with backoff, then delivers once", async () => {
    telegram.failNext(1, { status: 500 }, "sendMessage");
    telegram.failNext(1, { status: 429, retryAfterSeconds: 1 }, "sendMessage");
    const before = telegram.calls.length;
    await telegram.deliver(telegramTextUpdate(1004, 7171, "¿Abrís los domingos?"));
    await until(() => textsTo(7171).length === 1, 15_000);
    const attempts = telegram.calls.slice(before).filter((c) => c.url.endsWith("/sendMessage"));
    expect(attempts).toHaveLength(3);
    // 500 → backoff (150 ms ±20 %); 429 → Telegram's retry_after of 1 s.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(110);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(950);
    // The row is marked sent after Telegram's answer reaches the sender, which may be just after the text arrived.
    const row = await until(async () =>
      (await server.store.channels.listOutbound(telegramId)).find(
        (r) => (r.payload as { contactId: string }).contactId === "7171" && r.status !== "queued",
      ),
    );
    expect(row).toMatchObject({ status: "sent", attempts: 3 });
  });
});

describe("whatsapp through the server", () => {
  const url = () => `${base}/channels/${whatsappId}/webhook`;
  const sentTo = () => whatsapp.sent().filter((m) => m.to === phone);

  it("answers Meta's subscription handshake with the challenge, only for the verify token", async () => {
    const ok = await fetch(
      `${url()}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=8811`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("8811");
    const wrong = await fetch(`${url()}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=8811`);
    expect(wrong.status).toBe(401);
  });

  it("answers a signed message, refuses a forged one", async () => {
    const note = whatsappNotification(whatsapp.phoneNumberId, {
      id: "wamid.IN1",
      from: phone,
      type: "text",
      text: { body: "¿Qué horario tenéis?" },
    });
    expect((await whatsapp.deliver(url(), note, "forged-app-secret")).status).toBe(401);
    expect((await whatsapp.deliver(url(), note, null)).status).toBe(401);
    expect((await whatsapp.deliver(url(), note)).status).toBe(200);
    const [answer] = await until(() => (sentTo().length > 0 ? sentTo() : undefined));
    expect(answer).toMatchObject({ type: "text", to: phone });
    expect((answer as { text: { body: string } }).text.body).toContain("8:00");
    expect(sentTo()).toHaveLength(1);
  });

  it("refuses a person's reply outside the 24-hour window, saying why, and sends nothing", async () => {
    const conversation = (await server.store.conversations.list(server.operator.tenant.id)).find(
      (c) => c.externalUserId === channelExternalUserId(whatsappId, phone),
    )!;
    clockOffsetMs = 25 * 60 * 60 * 1000;
    try {
      const reply = await server.call(server.operator.admin, {
        method: "POST",
        url: `/api/conversations/${conversation.id}/reply`,
        payload: { text: "¿Sigues ahí?", staff: "Marta" },
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json().error.code).toBe("channel_window_closed");
      expect(reply.json().error.message).toMatch(/24 hours/);
      expect((await server.store.messages.list(conversation.id)).some((m) => m.role === "human")).toBe(false);
    } finally {
      clockOffsetMs = 0;
    }
    const inside = await server.call(server.operator.admin, {
      method: "POST",
      url: `/api/conversations/${conversation.id}/reply`,
      payload: { text: "Hola, soy Marta", staff: "Marta" },
    });
    expect(inside.statusCode).toBe(201);
    await until(() => sentTo().some((m) => JSON.stringify(m).includes("soy Marta")));
  });

  it("acknowledges a location and a reaction and tells the agent what arrived", async () => {
    for (const [id, type, field] of [
      ["wamid.LOC", "location", { location: { latitude: 40.4, longitude: -3.7 } }],
      ["wamid.REA", "reaction", { reaction: { message_id: "wamid.OUT1", emoji: "👍" } }],
    ] as const) {
      const note = whatsappNotification(whatsapp.phoneNumberId, { id, from: "34600999888", type, ...field });
      expect((await whatsapp.deliver(url(), note)).status).toBe(200);
    }
    const said = await until(async () => {
      const conversation = (await server.store.conversations.list(server.operator.tenant.id)).find((c) =>
        c.externalUserId.endsWith(":34600999888"),
      );
      const users = conversation
        ? (await server.store.messages.list(conversation.id)).filter((m) => m.role === "user")
        : [];
      return users.length === 2 ? users.map((m) => m.content) : undefined;
    });
    expect(said[0]).toMatch(/sent a location/);
    expect(said[1]).toMatch(/sent a reaction/);
  });
});

describe("a widget's limits on a channel", () => {
  it("drops a contact's flood past the visitor rate, and still answers another contact", async () => {
    const standIn = await startTelegramStandIn();
    const limited = await startApiServer({
      limits: { visitorRequestsPerMinute: 2 },
      channels: { secretKey: randomBytes(32).toString("base64"), pollMs: 50 },
    });
    try {
      await limited.app.listen({ port: 0, host: "127.0.0.1" });
      const at = `http://127.0.0.1:${(limited.app.server.address() as AddressInfo).port}`;
      const admin = limited.operator.admin;
      await limited.call(admin, { method: "PUT", url: "/api/agents/espiga", payload: agentSpec("espiga") });
      const added = await limited.call(admin, {
        method: "POST",
        url: "/api/agents/espiga/channels",
        payload: {
          kind: "telegram",
          settings: { baseUrl: standIn.baseUrl },
          secrets: { botToken: standIn.token },
          publicUrl: at,
        },
      });
      expect(added.statusCode, added.body).toBe(201);
      for (let i = 1; i <= 4; i++) {
        expect((await standIn.deliver(telegramTextUpdate(2000 + i, 8080, `mensaje ${i}`))).status).toBe(200);
      }
      await standIn.deliver(telegramTextUpdate(2100, 8181, "hola"));
      const to = (chat: number) => standIn.sent().filter((s) => String(s.params.chat_id) === String(chat));
      await until(() => to(8181).length === 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(to(8080)).toHaveLength(2);
    } finally {
      await limited.close();
      await standIn.close();
    }
  });
});
