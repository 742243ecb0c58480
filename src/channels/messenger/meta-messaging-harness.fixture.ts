/** The conformance harness of Messenger and Instagram: the channel against its Graph stand-in, with real signatures. */
import { createHmac } from "node:crypto";
import type { ChannelHarness } from "../channel.conformance.js";
import { InstagramChannel } from "../instagram/instagram-channel.js";
import { MessengerChannel } from "./messenger-channel.js";
import { type MetaGraphStandIn, startMetaGraphStandIn } from "./meta-graph-stand-in.fixture.js";
import { metaMessagingEvent } from "./meta-webhook-bodies.fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: a Graph API body as the provider reads it, checked field by field
type Body = any;

export const customerId = "7700000000000001";
export const verifyToken = "verify-token-1234";

/** The channel of `kind` on `standIn`, with `accessToken` (default the stand-in's) and comment mode. */
export function metaChannel(
  standIn: MetaGraphStandIn,
  options: { accessToken?: string; commentReplies?: "on" | "off" } = {},
): MessengerChannel | InstagramChannel {
  const secrets = {
    accessToken: options.accessToken ?? standIn.accessToken,
    appSecret: standIn.appSecret,
    verifyToken,
  };
  const commentReplies = options.commentReplies ?? "off";
  return standIn.kind === "messenger"
    ? new MessengerChannel({ baseUrl: standIn.baseUrl, pageId: standIn.accountId, commentReplies }, secrets)
    : new InstagramChannel(
        { baseUrl: standIn.baseUrl, accountId: standIn.accountId, commentReplies },
        secrets,
      );
}

export function signed(standIn: MetaGraphStandIn, rawBody: Buffer, secret = standIn.appSecret) {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

export async function metaHarness(kind: "messenger" | "instagram"): Promise<ChannelHarness> {
  const standIn = await startMetaGraphStandIn(kind);
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));
  const event = (e: Record<string, unknown>) =>
    body(metaMessagingEvent(kind, standIn.accountId, customerId, e));
  const others = {
    sticker: {
      attachments: [
        { type: "image", payload: { url: "https://cdn.example/s.png", sticker_id: 369239263222822 } },
      ],
    },
    location: { attachments: [{ type: "location", payload: { coordinates: { lat: 40.4, long: -3.7 } } }] },
  };
  return {
    channel: metaChannel(standIn),
    badCredentials: metaChannel(standIn, { accessToken: "EAAG-expired-token" }),
    standIn,
    contactId: customerId,
    textBody: (id, text) => event({ message: { mid: `m_${id}`, text } }),
    otherBody: (id, kind) =>
      kind === "reaction"
        ? event({ reaction: { mid: `m_${id}`, action: "react", reaction: "love", emoji: "❤" } })
        : event({ message: { mid: `m_${id}`, ...others[kind] } }),
    request: (rawBody, options = {}) => ({
      method: "POST",
      headers: options.unsigned
        ? {}
        : {
            "x-hub-signature-256": signed(
              standIn,
              rawBody,
              options.forged ? "not-the-app-secret" : standIn.appSecret,
            ),
          },
      query: {},
      rawBody,
    }),
    sent: () =>
      standIn.sent().map((m: Body) => ({
        ...(m.message.text !== undefined ? { text: m.message.text } : {}),
        ...(m.message.quick_replies ? { buttons: m.message.quick_replies.map((q: Body) => q.title) } : {}),
        ...(m.message.attachment ? { media: m.message.attachment.payload.url } : {}),
      })),
  };
}
