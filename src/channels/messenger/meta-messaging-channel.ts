import type {
  Channel,
  ChannelCheck,
  ChannelKind,
  ChannelLimits,
  InboundEvent,
  OutboundMessage,
  WebhookRequest,
} from "../../spec/channel.js";
import { parseCommentContactId } from "../../spec/channel.js";
import { callGraph, type GraphTarget, graphCheckProblem } from "../graph/call-graph.js";
import { answerHubHandshake, verifyHubSignature } from "../graph/hub-signature.js";
import type { MetaMessagingSecrets } from "./meta-messaging-settings.js";
import { metaSendRequests } from "./meta-send-requests.js";
import { parseMetaWebhook } from "./meta-webhook.js";
import { toPlainText } from "./plain-text.js";

/** What tells Messenger from Instagram: the rest is one Graph webhook family. */
export interface MetaMessagingVariant {
  kind: Extract<ChannelKind, "messenger" | "instagram">;
  provider: string;
  /** The webhook's `object`. */
  object: "page" | "instagram";
  /** The Page's or the Instagram account's id. */
  accountId: string;
  /** Where a public reply to a comment is posted: `/{comment-id}/replies` (Instagram) or `/comments` (Facebook). */
  replyEdge: "replies" | "comments";
  /** `GET` path and fields checking the token, and the name of the id it must answer. */
  checkFields: string;
  limits: ChannelLimits;
  settings: { baseUrl: string; commentReplies: "off" | "on" };
}

/**
 * Graph error codes that mean "slow down": 4 (app), 17 (user), 32 (Page),
 * 613 (calls per time), 80002 (Instagram), 80006 (Messenger).
 */
const rateLimitCodes = new Set([4, 17, 32, 613, 80002, 80006]);

/**
 * The Messenger Platform and Instagram Messaging (Graph API): webhooks signed
 * with the app secret (`X-Hub-Signature-256`) after Meta's `hub.challenge`
 * handshake; `entry[].messaging[]` messages deduplicated by `mid`; answers by
 * `POST me/messages` with the Page access token, within 24 hours of the
 * customer's last message (standard messaging: `limits.customerServiceWindowMs`,
 * enforced by the sender); "typing…" with `sender_action` (`mark_seen`, then
 * `typing_on`: Meta marks a person's messages seen, not one message). With
 * comment mode on, comments on the account's posts are answered publicly
 * under them (see `comment-answer.ts`). The presets are `MessengerChannel`
 * and `InstagramChannel`.
 */
export class MetaMessagingChannel implements Channel {
  readonly kind: MetaMessagingVariant["kind"];
  readonly limits: ChannelLimits;
  readonly #variant: MetaMessagingVariant;
  readonly #secrets: MetaMessagingSecrets;
  readonly #graph: GraphTarget;

  constructor(variant: MetaMessagingVariant, secrets: MetaMessagingSecrets) {
    this.kind = variant.kind;
    this.limits = variant.limits;
    this.#variant = variant;
    this.#secrets = secrets;
    this.#graph = {
      baseUrl: variant.settings.baseUrl,
      accessToken: secrets.accessToken,
      provider: variant.provider,
      rateLimitCodes,
    };
  }

  verify(request: WebhookRequest): void {
    verifyHubSignature(request, this.#secrets.appSecret, this.#variant.provider);
  }

  handshake(query: WebhookRequest["query"]): string {
    return answerHubHandshake(query, this.#secrets.verifyToken);
  }

  parse(rawBody: Buffer): InboundEvent[] {
    const { object, provider, accountId, settings } = this.#variant;
    return parseMetaWebhook(rawBody, {
      object,
      provider,
      accountId,
      commentReplies: settings.commentReplies === "on",
    });
  }

  render(markdown: string): string {
    return toPlainText(markdown);
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    let providerMessageId = "";
    for (const request of metaSendRequests(message, this.#variant.replyEdge)) {
      const answer = (await callGraph(this.#graph, "POST", request.path, request.body)) as {
        message_id?: string;
        id?: string;
      };
      providerMessageId ||= answer?.message_id ?? answer?.id ?? "";
    }
    return { providerMessageId };
  }

  /** `mark_seen` then `typing_on` for a customer; nothing for a comment. Best effort: never throws. */
  async typing(contactId: string): Promise<void> {
    if (parseCommentContactId(contactId) !== undefined) return;
    for (const action of ["mark_seen", "typing_on"]) {
      const body = { recipient: { id: contactId }, sender_action: action };
      const sent = await callGraph(this.#graph, "POST", "me/messages", body).catch(() => undefined);
      if (sent === undefined) return;
    }
  }

  async check(): Promise<ChannelCheck> {
    const { accountId, checkFields, provider } = this.#variant;
    try {
      const found = (await callGraph(this.#graph, "GET", `${accountId}?fields=${checkFields}`)) as Record<
        string,
        string | undefined
      >;
      const details = { id: found.id ?? "?", name: found.name ?? found.username ?? "?" };
      const problems =
        found.id === accountId
          ? []
          : [`${provider} answered for id ${found.id ?? "?"}, not ${accountId}: check the settings`];
      return { ok: problems.length === 0, details, problems };
    } catch (error) {
      return {
        ok: false,
        details: {},
        problems: [graphCheckProblem(error, "the Page access token or the account id")],
      };
    }
  }
}
