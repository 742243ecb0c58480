/**
 * Messenger and Instagram end to end: the real server on 127.0.0.1, a real
 * SQLite store, a retrieval-mode agent answering from an uploaded document,
 * and Meta's Graph API stand-ins (the only fake part) posting signed
 * webhooks and taking the answers. Comment mode is on for Instagram, off for
 * Messenger.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MetaGraphStandIn,
  startMetaGraphStandIn,
} from "../../channels/messenger/meta-graph-stand-in.fixture.js";
import {
  metaCommentChange,
  metaMessagingEvent,
} from "../../channels/messenger/meta-webhook-bodies.fixture.js";
import { channelExternalUserId, commentContactId } from "../../spec/channel.js";
import { until } from "../../testing/until.fixture.js";
import { type ApiServer, agentSpec, startApiServer } from "../api/api-server.fixture.js";

let server: ApiServer;
let base: string;
let messenger: MetaGraphStandIn;
let instagram: MetaGraphStandIn;
const ids: Record<"messenger" | "instagram", string> = { messenger: "", instagram: "" };
/** Moves the channels' clock (the 24-hour window) forward. */
let clockOffsetMs = 0;

const psid = "7700000000000042";

beforeAll(async () => {
  [messenger, instagram] = await Promise.all([
    startMetaGraphStandIn("messenger"),
    startMetaGraphStandIn("instagram"),
  ]);
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
  for (const standIn of [messenger, instagram]) {
    const added = await server.call(admin, {
      method: "POST",
      url: "/api/agents/espiga/channels",
      payload: {
        kind: standIn.kind,
        settings: {
          baseUrl: standIn.baseUrl,
          [standIn.kind === "messenger" ? "pageId" : "accountId"]: standIn.accountId,
          ...(standIn.kind === "instagram" ? { commentReplies: "on" } : {}),
        },
        secrets: {
          accessToken: standIn.accessToken,
          appSecret: standIn.appSecret,
          verifyToken: "verify-me-please",
        },
      },
    });
    expect(added.statusCode, added.body).toBe(201);
    ids[standIn.kind] = added.json().id;
  }
});

afterAll(async () => {
  await server?.close();
  await Promise.all([messenger?.close(), instagram?.close()]);
});

/** Waits until the channel's queues hold nothing left to do. */
async function settled(channelId: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await until(
    async () => (await server.store.channels.listOutbound(channelId, { status: "queued" })).length === 0,
  );
}

const url = (kind: "messenger" | "instagram") => `${base}/channels/${ids[kind]}/webhook`;
const textsTo = (standIn: MetaGraphStandIn, id: string) =>
  standIn
    .sent()
    .filter((m) => m.recipient.id === id)
    .map((m) => m.message.text as string);

async function conversationOf(channelId: string, contactId: string) {
  const all = await server.store.conversations.list(server.operator.tenant.id);
  return all.find((c) => c.externalUserId === channelExternalUserId(channelId, contactId));
}

describe("messenger through the server", () => {
  it("answers Meta's subscription handshake, and lists no secret", async () => {
    const ok = await fetch(
      `${url("messenger")}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=31`,
    );
    expect(await ok.text()).toBe("31");
    expect(
      (await fetch(`${url("messenger")}?hub.mode=subscribe&hub.verify_token=no&hub.challenge=31`)).status,
    ).toBe(401);
    const list = await server.call(server.operator.admin, { url: "/api/agents/espiga/channels" });
    expect(list.body).not.toContain(messenger.accessToken);
    expect(list.body).not.toContain(messenger.appSecret);
    const test = await server.call(server.operator.admin, {
      method: "POST",
      url: `/api/agents/espiga/channels/${ids.messenger}/test`,
    });
    expect(test.json()).toEqual({
      ok: true,
      details: { id: messenger.accountId, name: "Panadería La Espiga" },
      problems: [],
    });
  });

  it("refuses a forged signature with 401 and stores nothing; answers the signed message once, even redelivered", async () => {
    const event = metaMessagingEvent("messenger", messenger.accountId, psid, {
      message: { mid: "m_IN1", text: "¿Qué horario tenéis?" },
    });
    const forged = await messenger.deliver(url("messenger"), event, "forged-app-secret");
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
      "channel_signature_invalid",
    );
    expect((await messenger.deliver(url("messenger"), event, null)).status).toBe(401);
    expect(await conversationOf(ids.messenger, psid)).toBeUndefined();
    expect(await server.store.channels.listOutbound(ids.messenger)).toEqual([]);
    expect((await messenger.deliver(url("messenger"), event)).status).toBe(200);
    const [answer] = await until(() =>
      textsTo(messenger, psid).length > 0 ? textsTo(messenger, psid) : undefined,
    );
    expect(answer).toContain("8:00");
    expect(answer).not.toMatch(/\*\*|\[S\d|horario-tienda\.md/);
    expect((await messenger.deliver(url("messenger"), event)).status).toBe(200);
    await settled(ids.messenger);
    expect(textsTo(messenger, psid)).toHaveLength(1);
    expect(
      messenger
        .actions()
        .filter((a) => a.recipient.id === psid)
        .map((a) => a.sender_action),
    ).toEqual(["mark_seen", "typing_on"]);
  });

  it("does not answer its own echoes, deliveries or reads", async () => {
    const before = messenger.sent().length;
    for (const e of [
      { message: { mid: "m_OUT1", text: "eco", is_echo: true, app_id: 1 } },
      { delivery: { mids: ["m_OUT1"], watermark: Date.now() } },
      { read: { watermark: Date.now() } },
    ]) {
      expect(
        (
          await messenger.deliver(
            url("messenger"),
            metaMessagingEvent("messenger", messenger.accountId, psid, e),
          )
        ).status,
      ).toBe(200);
    }
    await settled(ids.messenger);
    expect(messenger.sent().length).toBe(before);
  });

  it("refuses a person's reply outside the 24-hour window, saying why, and sends it inside", async () => {
    const conversation = (await conversationOf(ids.messenger, psid))!;
    clockOffsetMs = 25 * 60 * 60 * 1000;
    try {
      const reply = await server.call(server.operator.admin, {
        method: "POST",
        url: `/api/conversations/${conversation.id}/reply`,
        payload: { text: "¿Sigues ahí?", staff: "Marta" },
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json().error.code).toBe("channel_window_closed");
      expect(reply.json().error.message).toMatch(/Messenger allows replies .* within 24 hours/);
    } finally {
      clockOffsetMs = 0;
    }
    const inside = await server.call(server.operator.admin, {
      method: "POST",
      url: `/api/conversations/${conversation.id}/reply`,
      payload: { text: "Hola, soy **Marta**", staff: "Marta" },
    });
    expect(inside.statusCode).toBe(201);
    await until(() => textsTo(messenger, psid).includes("Marta\nHola, soy Marta"));
  });

  it("ignores comments while comment mode is off", async () => {
    const change = metaCommentChange("messenger", messenger.accountId, {
      id: `${messenger.accountId}_77`,
      text: "¿Qué horario tenéis?",
      fromId: "5550001",
    });
    const response = await messenger.deliver(url("messenger"), change);
    expect(await response.json()).toEqual({ ok: true, queued: 0 });
    await settled(ids.messenger);
    expect(messenger.replies()).toEqual([]);
  });
});

describe("instagram comment mode through the server", () => {
  it("answers a public question under the comment, short and without sources", async () => {
    const change = metaCommentChange("instagram", instagram.accountId, {
      id: "17890000000000001",
      text: "¿Qué horario tenéis?",
      fromId: "9001",
    });
    expect((await instagram.deliver(url("instagram"), change)).status).toBe(200);
    const [reply] = await until(() => (instagram.replies().length > 0 ? instagram.replies() : undefined));
    expect(reply!.commentId).toBe("17890000000000001");
    expect(reply!.message).toContain("8:00");
    expect(reply!.message).not.toMatch(/Fuente|Source|\[S\d/);
    expect(reply!.message.length).toBeLessThanOrEqual(300);
    // Its own conversation, apart from the author's messages.
    expect(await conversationOf(ids.instagram, commentContactId("17890000000000001"))).toBeDefined();
    expect((await instagram.deliver(url("instagram"), change)).status).toBe(200);
    await settled(ids.instagram);
    expect(instagram.replies()).toHaveLength(1);
  });

  it("answers a private question privately, with a public line saying so", async () => {
    const change = metaCommentChange("instagram", instagram.accountId, {
      id: "17890000000000002",
      text: "¿Dónde está mi pedido? Mi teléfono es 612 345 678",
      fromId: "9002",
    });
    expect((await instagram.deliver(url("instagram"), change)).status).toBe(200);
    const reply = await until(() => instagram.replies().find((r) => r.commentId === "17890000000000002"));
    expect(reply.message).toMatch(/mensaje privado|private message/);
    const direct = instagram.sent().filter((m) => m.recipient.comment_id === "17890000000000002");
    expect(direct).toHaveLength(1);
    expect(JSON.stringify(instagram.replies())).not.toContain("612 345 678");
  });

  it("never answers the account's own comments (loop protection)", async () => {
    const before = instagram.replies().length;
    const own = metaCommentChange("instagram", instagram.accountId, {
      id: "17890000000000003",
      text: "¡Gracias por venir! ¿Qué horario preferís?",
      fromId: instagram.accountId,
    });
    const response = await instagram.deliver(url("instagram"), own);
    expect(await response.json()).toEqual({ ok: true, queued: 0 });
    await settled(ids.instagram);
    expect(instagram.replies()).toHaveLength(before);
  });
});

describe("a widget's limits on comment mode", () => {
  it("counts a commenter's comments against the visitor rate, and still answers another", async () => {
    const standIn = await startMetaGraphStandIn("instagram");
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
          kind: "instagram",
          settings: { baseUrl: standIn.baseUrl, accountId: standIn.accountId, commentReplies: "on" },
          secrets: { accessToken: standIn.accessToken, appSecret: standIn.appSecret },
        },
      });
      expect(added.statusCode, added.body).toBe(201);
      const hook = `${at}/channels/${added.json().id}/webhook`;
      for (let i = 1; i <= 4; i++) {
        const flood = metaCommentChange("instagram", standIn.accountId, {
          id: `1789000000000010${i}`,
          text: `¡Hola! ${i}`,
          fromId: "9100",
        });
        expect((await standIn.deliver(hook, flood)).status).toBe(200);
      }
      const other = metaCommentChange("instagram", standIn.accountId, {
        id: "17890000000000200",
        text: "¡Hola!",
        fromId: "9200",
      });
      await standIn.deliver(hook, other);
      await until(() => standIn.replies().some((r) => r.commentId === "17890000000000200"));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(standIn.replies().filter((r) => r.commentId.startsWith("1789000000000010"))).toHaveLength(2);
    } finally {
      await limited.close();
      await standIn.close();
    }
  });
});
