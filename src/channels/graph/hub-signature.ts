import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookRequest } from "../../spec/channel.js";
import { ChannelSignatureError } from "../../spec/channel-errors.js";

/**
 * Meta's webhook signature (WhatsApp, Messenger, Instagram): `X-Hub-Signature-256`
 * is `sha256=` and the hex HMAC-SHA256 of the raw body with the app secret.
 * Throws ChannelSignatureError, naming `provider`, when it is missing or does
 * not match (compared in constant time).
 */
export function verifyHubSignature(request: WebhookRequest, appSecret: string, provider: string): void {
  const header = request.headers["x-hub-signature-256"];
  if (typeof header !== "string" || !header.startsWith("sha256=")) {
    throw new ChannelSignatureError(`the ${provider} webhook has no X-Hub-Signature-256 header`);
  }
  const expected = createHmac("sha256", appSecret).update(request.rawBody).digest();
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ChannelSignatureError(`the ${provider} webhook's X-Hub-Signature-256 does not match its body`);
  }
}

/**
 * Meta's subscription handshake, `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`:
 * the challenge to echo, or ChannelSignatureError when the token is not `verifyToken`.
 */
export function answerHubHandshake(query: WebhookRequest["query"], verifyToken: string): string {
  const token = Buffer.from(query["hub.verify_token"] ?? "");
  const expected = Buffer.from(verifyToken);
  if (
    query["hub.mode"] !== "subscribe" ||
    token.length !== expected.length ||
    !timingSafeEqual(token, expected)
  ) {
    throw new ChannelSignatureError("the subscription's hub.verify_token is not this channel's verify token");
  }
  return query["hub.challenge"] ?? "";
}
