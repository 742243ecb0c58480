import { describe, expect, it } from "vitest";
import { describeChannelConformance } from "../channel.conformance.js";
import { TelegramChannel } from "./telegram-channel.js";
import { escapeMarkdownV2, toTelegramMarkdown } from "./telegram-markdown.js";
import { startTelegramStandIn, telegramTextUpdate } from "./telegram-stand-in.fixture.js";

const webhookSecret = "s3cret-token_for-the-webhook";

describeChannelConformance("telegram", async () => {
  const standIn = await startTelegramStandIn();
  const make = (botToken: string) =>
    new TelegramChannel({ baseUrl: standIn.baseUrl }, { botToken, webhookSecret });
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));
  const others = {
    sticker: { sticker: { file_id: "CAAD", emoji: "👍" } },
    location: { location: { latitude: 40.4, longitude: -3.7 } },
    reaction: undefined,
  };
  return {
    channel: make(standIn.token),
    badCredentials: make("999999:WRONG-token_abcdefghijklmnop"),
    standIn,
    contactId: "4242",
    textBody: (id, text) => body(telegramTextUpdate(Number(id.replace(/\D/g, "")) || 1, 4242, text)),
    otherBody(id, kind) {
      const fields = others[kind];
      // A reaction arrives as `message_reaction`, a separate update type (and only when asked for).
      if (!fields) return body({ update_id: 9, message_reaction: { chat: { id: 4242 }, new_reaction: [] } });
      const update = telegramTextUpdate(id.length, 4242, "");
      const { text: _, ...message } = update.message as Record<string, unknown>;
      return body({ ...update, message: { ...message, ...fields } });
    },
    request: (rawBody, options = {}) => ({
      method: "POST",
      headers: options.unsigned
        ? {}
        : { "x-telegram-bot-api-secret-token": options.forged ? "forged-token-of-someone" : webhookSecret },
      query: {},
      rawBody,
    }),
    sent: () =>
      standIn.sent().map(({ params }) => {
        const keyboard = (params.reply_markup as { inline_keyboard: { text: string }[][] } | undefined)
          ?.inline_keyboard;
        return {
          text: (params.text ?? params.caption) as string,
          ...(keyboard ? { buttons: keyboard.flat().map((b) => b.text) } : {}),
          ...(params.photo || params.document ? { media: String(params.photo ?? params.document) } : {}),
        };
      }),
  };
});

describe("telegram", () => {
  it("escapes every character MarkdownV2 reserves and keeps bold, links and bullets", () => {
    expect(escapeMarkdownV2("a.b!c-d(e)")).toBe("a\\.b\\!c\\-d\\(e\\)");
    expect(toTelegramMarkdown("**Pan** 2.5€\n- uno")).toBe("*Pan* 2\\.5€\n• uno");
    expect(toTelegramMarkdown("[Web](https://x.example/a)")).toBe("[Web](https://x.example/a)");
  });

  it("sets the webhook with its secret token, and the stand-in delivers with it", async () => {
    const standIn = await startTelegramStandIn();
    try {
      const channel = new TelegramChannel(
        { baseUrl: standIn.baseUrl },
        { botToken: standIn.token, webhookSecret },
      );
      await channel.connect("http://127.0.0.1:1/channels/x/webhook");
      expect(standIn.webhook).toEqual({
        url: "http://127.0.0.1:1/channels/x/webhook",
        secretToken: webhookSecret,
      });
    } finally {
      await standIn.close();
    }
  });

  it("reads a pressed inline button as the customer's message", () => {
    const channel = new TelegramChannel(
      { baseUrl: "http://127.0.0.1:1" },
      { botToken: "1:abcdefghijklmnopqrstu", webhookSecret },
    );
    const [event] = channel.parse(
      Buffer.from(
        JSON.stringify({
          update_id: 77,
          callback_query: {
            id: "cb",
            data: "Horarios",
            from: { id: 5 },
            message: { chat: { id: 5 }, date: 1 },
          },
        }),
      ),
    );
    expect(event).toMatchObject({
      type: "message",
      providerMessageId: "77",
      contactId: "5",
      text: "Horarios",
      buttonPayload: "Horarios",
    });
  });
});
