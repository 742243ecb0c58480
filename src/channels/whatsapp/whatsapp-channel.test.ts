import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChannelSignatureError } from "../../spec/channel-errors.js";
import { describeChannelConformance } from "../channel.conformance.js";
import { WhatsAppChannel } from "./whatsapp-channel.js";
import { toWhatsAppText } from "./whatsapp-format.js";
import { startWhatsAppStandIn, whatsappNotification } from "./whatsapp-stand-in.fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: a Graph API body as the provider reads it, checked field by field
type Body = any;

const verifyToken = "verify-token-1234";

describeChannelConformance("whatsapp", async () => {
  const standIn = await startWhatsAppStandIn();
  const make = (accessToken: string) =>
    new WhatsAppChannel(
      { baseUrl: standIn.baseUrl, phoneNumberId: standIn.phoneNumberId },
      { accessToken, appSecret: standIn.appSecret, verifyToken },
    );
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));
  const others = {
    sticker: { sticker: { id: "st-1", mime_type: "image/webp", animated: false } },
    location: { location: { latitude: 40.4, longitude: -3.7, name: "Plaza" } },
    reaction: { reaction: { message_id: "wamid.OUT1", emoji: "👍" } },
  };
  return {
    channel: make(standIn.accessToken),
    badCredentials: make("EAAG-expired-token"),
    standIn,
    contactId: "34600111222",
    textBody: (id, text) =>
      body(
        whatsappNotification(standIn.phoneNumberId, {
          id: `wamid.${id}`,
          from: "34600111222",
          type: "text",
          text: { body: text },
        }),
      ),
    otherBody: (id, kind) =>
      body(
        whatsappNotification(standIn.phoneNumberId, {
          id: `wamid.${id}`,
          from: "34600111222",
          type: kind,
          ...others[kind],
        }),
      ),
    request: (rawBody, options = {}) => ({
      method: "POST",
      headers: options.unsigned
        ? {}
        : {
            "x-hub-signature-256": `sha256=${createHmac(
              "sha256",
              options.forged ? "not-the-app-secret" : standIn.appSecret,
            )
              .update(rawBody)
              .digest("hex")}`,
          },
      query: {},
      rawBody,
    }),
    sent: () =>
      standIn.sent().map((m: Body) => ({
        text: m.text?.body ?? m.interactive?.body?.text ?? m[m.type]?.caption,
        ...(m.interactive ? { buttons: m.interactive.action.buttons.map((b: Body) => b.reply.title) } : {}),
        ...(m.type === "image" || m.type === "document" ? { media: m[m.type].link } : {}),
      })),
  };
});

describe("whatsapp", () => {
  const channel = new WhatsAppChannel(
    { baseUrl: "http://127.0.0.1:1", phoneNumberId: "1" },
    { accessToken: "EAAG-token-x", appSecret: "app-secret-x", verifyToken },
  );

  it("answers the subscription handshake with the challenge, only for its verify token", () => {
    expect(
      channel.handshake({
        "hub.mode": "subscribe",
        "hub.verify_token": verifyToken,
        "hub.challenge": "1158201444",
      }),
    ).toBe("1158201444");
    const wrong = () =>
      channel.handshake({ "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1" });
    expect(wrong).toThrow(ChannelSignatureError);
  });

  it("formats Markdown the WhatsApp way", () => {
    expect(toWhatsAppText("# Horario\n**Pan** y *bollos* ~~no~~ [web](https://x.example)\n- uno")).toBe(
      "*Horario*\n*Pan* y _bollos_ ~no~ web (https://x.example)\n• uno",
    );
  });

  it("reads button replies and delivery statuses", () => {
    const events = channel.parse(
      Buffer.from(
        JSON.stringify({
          object: "whatsapp_business_account",
          entry: [
            {
              changes: [
                {
                  field: "messages",
                  value: {
                    messages: [
                      {
                        from: "346",
                        id: "wamid.B",
                        timestamp: "1700000000",
                        type: "interactive",
                        interactive: {
                          type: "button_reply",
                          button_reply: { id: "qr-0-Horarios", title: "Horarios" },
                        },
                      },
                    ],
                    statuses: [
                      {
                        id: "wamid.OUT1",
                        status: "failed",
                        timestamp: "1700000001",
                        recipient_id: "346",
                        errors: [{ code: 131047, title: "Re-engagement message" }],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: "message",
        text: "Horarios",
        buttonPayload: "qr-0-Horarios",
        sentAt: "2023-11-14T22:13:20.000Z",
      }),
      expect.objectContaining({
        type: "status",
        providerMessageId: "wamid.OUT1:failed",
        status: "failed",
        error: "131047 Re-engagement message",
      }),
    ]);
  });
});
