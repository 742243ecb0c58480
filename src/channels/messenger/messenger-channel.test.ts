import { describe, expect, it } from "vitest";
import { commentContactId } from "../../spec/channel.js";
import { ChannelSendError, ChannelSignatureError } from "../../spec/channel-errors.js";
import { describeChannelConformance } from "../channel.conformance.js";
import { startMetaGraphStandIn } from "./meta-graph-stand-in.fixture.js";
import { customerId, metaChannel, metaHarness, verifyToken } from "./meta-messaging-harness.fixture.js";
import { metaCommentChange, metaMessagingEvent } from "./meta-webhook-bodies.fixture.js";
import { toPlainText } from "./plain-text.js";

describeChannelConformance("messenger", () => metaHarness("messenger"));

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("messenger", () => {
  it("answers the subscription handshake with the challenge, only for its verify token", async () => {
    const standIn = await startMetaGraphStandIn("messenger");
    try {
      const channel = metaChannel(standIn);
      const query = { "hub.mode": "subscribe", "hub.verify_token": verifyToken, "hub.challenge": "77" };
      expect(channel.handshake(query)).toBe("77");
      expect(() => channel.handshake({ ...query, "hub.verify_token": "guess" })).toThrow(
        ChannelSignatureError,
      );
    } finally {
      await standIn.close();
    }
  });

  it("reads quick replies and postbacks; leaves echoes and deleted messages out; reads and deliveries are statuses", async () => {
    const standIn = await startMetaGraphStandIn("messenger");
    try {
      const channel = metaChannel(standIn);
      const page = standIn.accountId;
      const at = 1_700_000_000_000;
      const events = (e: Record<string, unknown>, sender = customerId) =>
        channel.parse(json(metaMessagingEvent("messenger", page, sender, e, at)));
      expect(
        events({ message: { mid: "m_Q", text: "Horarios", quick_reply: { payload: "qr-0-Horarios" } } }),
      ).toEqual([
        {
          type: "message",
          providerMessageId: "m_Q",
          contactId: customerId,
          sentAt: "2023-11-14T22:13:20.000Z",
          text: "Horarios",
          buttonPayload: "qr-0-Horarios",
        },
      ]);
      expect(events({ postback: { mid: "m_P", title: "Empezar", payload: "GET_STARTED" } })[0]).toMatchObject(
        {
          text: "Empezar",
          buttonPayload: "GET_STARTED",
        },
      );
      // Our own answer comes back as an echo (sent by the Page): never a customer's message.
      expect(events({ message: { mid: "m_E", text: "hola", is_echo: true, app_id: 1 } })).toEqual([]);
      expect(events({ message: { mid: "m_E2", text: "hola" } }, page)).toEqual([]);
      expect(events({ message: { mid: "m_D", is_deleted: true } })).toEqual([]);
      expect(events({ delivery: { mids: ["m_OUT1", "m_OUT2"], watermark: at } }).map((e) => e.type)).toEqual([
        "status",
        "status",
      ]);
      expect(events({ read: { watermark: at } })[0]).toMatchObject({ type: "status", status: "read" });
      expect(
        events({
          message: { mid: "m_F", attachments: [{ type: "file", payload: { url: "https://x/a.pdf" } }] },
        })[0],
      ).toMatchObject({
        unsupported: "document",
        text: "",
      });
      expect(() => channel.parse(json({ object: "instagram", entry: [] }))).toThrow(
        /not a Messenger webhook/,
      );
    } finally {
      await standIn.close();
    }
  });

  it("takes comments only in comment mode, and never the Page's own", async () => {
    const standIn = await startMetaGraphStandIn("messenger");
    try {
      const page = standIn.accountId;
      const comment = (id: string, fromId: string) =>
        json(metaCommentChange("messenger", page, { id, text: "¿Hacéis pan sin gluten?", fromId }));
      expect(metaChannel(standIn).parse(comment(`${page}_1`, "5550001"))).toEqual([]);
      const on = metaChannel(standIn, { commentReplies: "on" });
      expect(on.parse(comment(`${page}_1`, "5550001"))).toEqual([
        expect.objectContaining({
          type: "message",
          providerMessageId: `${page}_1`,
          contactId: commentContactId(`${page}_1`),
          contactName: "Ana García",
          text: "¿Hacéis pan sin gluten?",
        }),
      ]);
      expect(on.parse(comment(`${page}_2`, page))).toEqual([]);
    } finally {
      await standIn.close();
    }
  });

  it("replies to a comment publicly under it, masked and short, or privately once", async () => {
    const standIn = await startMetaGraphStandIn("messenger");
    try {
      const channel = metaChannel(standIn, { commentReplies: "on" });
      const contactId = commentContactId("104729360113911_42");
      await channel.send({
        contactId,
        text: `Sí, escríbenos a ana@example.com o al 600 123 456. ${"Pan ".repeat(100)}`,
      });
      const [reply] = standIn.replies();
      expect(reply!.commentId).toBe("104729360113911_42");
      expect(reply!.message).toMatch(/\[email\]/);
      expect(reply!.message).not.toMatch(/ana@example\.com|600 123 456/);
      expect(reply!.message.length).toBeLessThanOrEqual(300);
      await channel.send({ contactId, text: "Tu pedido 1234 sale hoy", privately: true });
      expect(standIn.sent().at(-1)).toEqual({
        recipient: { comment_id: "104729360113911_42" },
        message: { text: "Tu pedido 1234 sale hoy" },
      });
      const again = await channel.send({ contactId, text: "otra", privately: true }).catch((e: unknown) => e);
      expect(ChannelSendError.isInstance(again) && !again.retryable).toBe(true);
    } finally {
      await standIn.close();
    }
  });

  it("marks seen and shows typing; reads Meta's rate limits, window and token errors", async () => {
    const standIn = await startMetaGraphStandIn("messenger");
    try {
      const channel = metaChannel(standIn);
      await channel.typing(customerId);
      await channel.typing(commentContactId("1_2"));
      expect(standIn.actions().map((a) => a.sender_action)).toEqual(["mark_seen", "typing_on"]);
      standIn.graphErrorNext(1, { status: 400, code: 4, message: "(#4) Application request limit reached" });
      const limited = await channel.send({ contactId: customerId, text: "a" }).catch((e: unknown) => e);
      expect(ChannelSendError.isInstance(limited) && limited.retryable).toBe(true);
      standIn.closeWindow(customerId);
      const outside = await channel.send({ contactId: customerId, text: "a" }).catch((e: unknown) => e);
      expect(ChannelSendError.isInstance(outside) && outside.retryable).toBe(false);
      expect(String(outside)).toMatch(/code 10.*outside of allowed window.*permission/);
      const expired = await metaChannel(standIn, { accessToken: "EAAG-old-token" })
        .send({ contactId: customerId, text: "a" })
        .catch((e: unknown) => e);
      expect(String(expired)).toMatch(/code 190.*wrong, revoked or expired/);
      standIn.graphErrorNext(1, {
        status: 403,
        code: 200,
        message: "(#200) Requires pages_messaging permission",
      });
      const denied = await channel.send({ contactId: customerId, text: "a" }).catch((e: unknown) => e);
      expect(ChannelSendError.isInstance(denied) && !denied.retryable).toBe(true);
      expect(String(denied)).toMatch(/lacks a permission/);
    } finally {
      await standIn.close();
    }
  });

  it("renders Markdown as plain text", () => {
    expect(
      toPlainText("# Horario\n**Pan** y *bollos* ~~no~~ `x` [web](https://x.example)\n- Pan_integral"),
    ).toBe("Horario\nPan y bollos no x web (https://x.example)\n• Pan_integral");
  });
});
