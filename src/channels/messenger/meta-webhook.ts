import { z } from "zod";
import { commentContactId, type InboundEvent, type UnsupportedKind } from "../../spec/channel.js";
import { ValidationError } from "../../spec/errors.js";
import { metaTime } from "../graph/meta-time.js";
import { metaComment } from "./meta-comment.js";

export interface MetaWebhookOptions {
  /** `page` (Messenger) or `instagram`. */
  object: "page" | "instagram";
  provider: string;
  /** The Page's or the Instagram account's id: what it wrote itself is never answered. */
  accountId: string;
  /** Comment mode: whether comments on the account's posts are events at all. */
  commentReplies: boolean;
}

const attachmentSchema = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ sticker_id: z.union([z.number(), z.string()]).optional() }).nullish(),
});
const messagingSchema = z.looseObject({
  sender: z.looseObject({ id: z.string() }),
  recipient: z.looseObject({ id: z.string() }).optional(),
  timestamp: z.number().optional(),
  message: z
    .looseObject({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
      quick_reply: z.looseObject({ payload: z.string() }).optional(),
      attachments: z.array(attachmentSchema).optional(),
    })
    .optional(),
  postback: z.looseObject({ mid: z.string().optional(), title: z.string(), payload: z.string() }).optional(),
  reaction: z.looseObject({ mid: z.string(), action: z.string() }).optional(),
  delivery: z.looseObject({ mids: z.array(z.string()).optional() }).optional(),
  read: z.looseObject({ mid: z.string().optional(), watermark: z.number().optional() }).optional(),
});
const webhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.number().optional(),
      messaging: z.array(messagingSchema).optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).optional(),
    }),
  ),
});
const attachmentKinds: Record<string, UnsupportedKind> = {
  image: "image",
  audio: "audio",
  video: "video",
  file: "document",
  location: "location",
  like_heart: "sticker",
  sticker: "sticker",
};

type Messaging = z.infer<typeof messagingSchema>;

/**
 * The events of a Messenger (`object: "page"`) or Instagram webhook:
 * `entry[].messaging[]` customer messages (text, quick replies, postbacks;
 * attachments and reactions as `unsupported`), deliveries and reads as
 * statuses, and with comment mode on the `comments` / `feed` comments, as
 * messages from the comment's contact (`commentContactId`). Echoes of our own
 * messages, deleted messages and anything the account itself wrote are left
 * out (loop protection). Throws ValidationError for a body that is not one.
 */
export function parseMetaWebhook(rawBody: Buffer, options: MetaWebhookOptions): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw notWebhook(options, "not JSON");
  }
  const parsed = webhookSchema.safeParse(json);
  if (!parsed.success) throw notWebhook(options, parsed.error.message);
  if (parsed.data.object !== options.object) throw notWebhook(options, `object is ${parsed.data.object}`);
  const events: InboundEvent[] = [];
  for (const entry of parsed.data.entry) {
    const own = (id: string) => id === options.accountId || id === entry.id;
    for (const m of entry.messaging ?? []) {
      if (!own(m.sender.id)) events.push(...messagingEvents(m));
    }
    if (!options.commentReplies) continue;
    for (const change of entry.changes ?? []) {
      const comment = metaComment(change, options.object, entry.time);
      if (comment && !own(comment.authorId)) {
        events.push({
          type: "message",
          providerMessageId: comment.id,
          contactId: commentContactId(comment.id),
          ...(comment.name ? { contactName: comment.name } : {}),
          sentAt: comment.sentAt,
          text: comment.text,
          commenterId: comment.authorId,
        });
      }
    }
  }
  return events;
}

function messagingEvents(m: Messaging): InboundEvent[] {
  const contactId = m.sender.id;
  const sentAt = metaTime(m.timestamp);
  const message = m.message;
  if (message) {
    if (message.is_echo || message.is_deleted) return [];
    const text = message.text ?? "";
    const attachment = message.attachments?.[0];
    const unsupported: UnsupportedKind | undefined =
      text !== "" && !message.is_unsupported
        ? undefined
        : attachment?.payload?.sticker_id !== undefined
          ? "sticker"
          : attachment
            ? (attachmentKinds[attachment.type] ?? "other")
            : "other";
    return [
      {
        type: "message",
        providerMessageId: message.mid,
        contactId,
        sentAt,
        text: unsupported ? "" : text,
        ...(message.quick_reply ? { buttonPayload: message.quick_reply.payload } : {}),
        ...(unsupported ? { unsupported } : {}),
      },
    ];
  }
  if (m.postback) {
    const id = m.postback.mid ?? `postback:${contactId}:${m.timestamp ?? 0}`;
    return [
      {
        type: "message",
        providerMessageId: id,
        contactId,
        sentAt,
        text: m.postback.title,
        buttonPayload: m.postback.payload,
      },
    ];
  }
  if (m.reaction?.action === "react") {
    // Reactions to one message share its mid: the time tells one from another.
    const id = `${m.reaction.mid}:reaction:${m.timestamp ?? 0}`;
    return [{ type: "message", providerMessageId: id, contactId, sentAt, text: "", unsupported: "reaction" }];
  }
  const status = (providerMessageId: string, s: "delivered" | "read") =>
    ({
      type: "status",
      providerMessageId: `${providerMessageId}:${s}`,
      contactId,
      status: s,
      sentAt,
    }) as const;
  if (m.delivery) return (m.delivery.mids ?? []).map((mid) => status(mid, "delivered"));
  if (m.read) return [status(m.read.mid ?? `watermark-${m.read.watermark ?? 0}`, "read")];
  return [];
}

function notWebhook(options: MetaWebhookOptions, why: string): ValidationError {
  return new ValidationError(
    `the body is not ${/^[AEIOU]/.test(options.provider) ? "an" : "a"} ${options.provider} webhook notification: ${why}`,
    [{ path: [], message: why }],
    `${options.provider} posts \`{ object: '${options.object}', entry: [...] }\`.`,
  );
}
