/**
 * The channel conformance suite: every contract of `src/spec/channel.ts`,
 * written against the `Channel` interface and a harness that pairs the
 * channel with a stand-in of its provider on 127.0.0.1 (the only fake part)
 * and writes the provider's webhook bodies and signatures. Each
 * implementation's test file calls `describeChannelConformance`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Channel, UnsupportedKind, WebhookRequest } from "../spec/channel.js";
import { ChannelSendError, ChannelSignatureError } from "../spec/channel-errors.js";
import { ValidationError } from "../spec/errors.js";
import type { StandInServer } from "./stand-in-server.fixture.js";

export interface ChannelHarness {
  channel: Channel;
  /** The same channel with a credential the provider refuses. */
  badCredentials: Channel;
  standIn: StandInServer;
  /** A contact id the provider accepts. */
  contactId: string;
  /** A webhook body carrying one text message. */
  textBody(providerId: string, text: string): Buffer;
  /** A webhook body carrying one message of a kind that is not text. */
  otherBody(providerId: string, kind: "sticker" | "location" | "reaction"): Buffer;
  /** The request the provider would make with `body`, signed as it signs (or with `forged` credentials). */
  request(body: Buffer, options?: { forged?: boolean; unsigned?: boolean }): WebhookRequest;
  /** What the stand-in accepted for sending, newest last, as `{ text?, buttons?, media? }`. */
  sent(): { text?: string; buttons?: string[]; media?: string }[];
}

export function describeChannelConformance(name: string, start: () => Promise<ChannelHarness>): void {
  describe(`channel conformance: ${name}`, () => {
    let harness: ChannelHarness | undefined;
    const open = async () => {
      harness = await start();
      return harness;
    };
    afterEach(async () => {
      await harness?.standIn.close();
      harness = undefined;
    });

    it("accepts the provider's signature on the raw body and refuses a forged, missing or tampered one", async () => {
      const h = await open();
      const body = h.textBody("in-1", "hola");
      expect(() => h.channel.verify(h.request(body))).not.toThrow();
      for (const request of [
        h.request(body, { forged: true }),
        h.request(body, { unsigned: true }),
        { ...h.request(body), rawBody: h.textBody("in-1", "hola!") },
      ]) {
        const error = catchError(() => h.channel.verify(request));
        // Telegram's secret token covers the sender, not the body: a changed body with the right token passes.
        if (error === undefined && request.rawBody !== body && h.channel.kind === "telegram") continue;
        expect(ChannelSignatureError.isInstance(error), String(error)).toBe(true);
        expect((error as ChannelSignatureError).status).toBe(401);
      }
    });

    it("normalises a text message with a stable provider id, the contact and the time", async () => {
      const h = await open();
      const body = h.textBody("in-2", "¿Abrís el domingo?");
      const [first] = h.channel.parse(body);
      expect(first).toMatchObject({ type: "message", text: "¿Abrís el domingo?", contactId: h.contactId });
      expect(first?.type === "message" && first.unsupported).toBeFalsy();
      expect(new Date(first!.sentAt).toISOString()).toBe(first!.sentAt);
      expect(h.channel.parse(body)[0]!.providerMessageId).toBe(first!.providerMessageId);
      expect(h.channel.parse(h.textBody("in-3", "x"))[0]!.providerMessageId).not.toBe(
        first!.providerMessageId,
      );
    });

    it("says what arrived when a message is not text (sticker, location, reaction)", async () => {
      const h = await open();
      for (const kind of ["sticker", "location", "reaction"] as const) {
        const events = h.channel.parse(h.otherBody(`in-${kind}`, kind));
        // Telegram has no reactions in a bot's messages updates: nothing to answer, and nothing breaks.
        if (events.length === 0 && kind === "reaction") continue;
        expect(events[0]).toMatchObject({
          type: "message",
          unsupported: kind satisfies UnsupportedKind,
          text: "",
        });
      }
    });

    it("refuses a body that is not the provider's with a ValidationError", async () => {
      const h = await open();
      for (const raw of ["not json", "{}", "[1,2]"]) {
        expect(ValidationError.isInstance(catchError(() => h.channel.parse(Buffer.from(raw))))).toBe(true);
      }
    });

    it("sends rendered text the provider accepts, whatever characters the answer holds", async () => {
      const h = await open();
      const answer =
        "# Horario\n**Abrimos** a las 8:00 (lunes-sábado). ¡Ven! 1+1=2 {ok} #pan > todo.\n- Pan_integral\n- [Web](https://espiga.example/a_b)";
      const rendered = h.channel.render(answer);
      const { providerMessageId } = await h.channel.send({ contactId: h.contactId, text: rendered });
      expect(providerMessageId).not.toBe("");
      expect(h.sent().at(-1)?.text).toBe(rendered);
      expect(rendered).toMatch(/Abrimos/);
      expect(rendered).not.toMatch(/\*\*/);
    });

    it("sends quick replies as buttons, within the provider's count, and media by URL", async () => {
      const h = await open();
      const replies = ["Horarios", "Pedidos", "Envíos", "Alergias"];
      await h.channel.send({ contactId: h.contactId, text: "¿Qué necesitas?", quickReplies: replies });
      const buttons = h.sent().at(-1)?.buttons ?? [];
      expect(buttons).toEqual(replies.slice(0, h.channel.limits.maxQuickReplies));
      await h.channel.send({
        contactId: h.contactId,
        text: "Carta",
        media: { url: "https://espiga.example/carta.pdf", kind: "document" },
      });
      expect(h.sent().at(-1)?.media).toBe("https://espiga.example/carta.pdf");
    });

    it("tells a retryable 429 (with the provider's wait) and 5xx from a refusal", async () => {
      const h = await open();
      h.standIn.failNext(1, { status: 429, retryAfterSeconds: 7 });
      const limited = await h.channel.send({ contactId: h.contactId, text: "a" }).catch((e: unknown) => e);
      expect(ChannelSendError.isInstance(limited)).toBe(true);
      expect((limited as ChannelSendError).retryable).toBe(true);
      expect((limited as ChannelSendError).retryAfterMs).toBe(7000);
      h.standIn.failNext(1, { status: 500 });
      const failed = await h.channel.send({ contactId: h.contactId, text: "a" }).catch((e: unknown) => e);
      expect((failed as ChannelSendError).retryable).toBe(true);
      const refused = await h.badCredentials
        .send({ contactId: h.contactId, text: "a" })
        .catch((e: unknown) => e);
      expect(ChannelSendError.isInstance(refused)).toBe(true);
      expect((refused as ChannelSendError).retryable).toBe(false);
    });

    it("checks the credentials and says what is wrong", async () => {
      const h = await open();
      const good = await h.channel.check();
      expect(good).toMatchObject({ ok: true, problems: [] });
      const bad = await h.badCredentials.check();
      expect(bad.ok).toBe(false);
      expect(bad.problems.join(" ")).toMatch(/wrong, revoked or expired/);
    });

    it("declares limits the senders can keep", async () => {
      const h = await open();
      const { limits } = h.channel;
      expect(limits.maxTextChars).toBeGreaterThan(0);
      expect(limits.maxQuickReplies).toBeGreaterThan(0);
      expect(limits.sendsPerSecond).toBeGreaterThan(0);
    });
  });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
