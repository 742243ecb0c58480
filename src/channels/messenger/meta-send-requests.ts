import { type OutboundMessage, parseCommentContactId } from "../../spec/channel.js";
import { publicReplyText } from "../public-reply.js";

export interface GraphRequest {
  path: string;
  body: Record<string, unknown>;
}

/**
 * The Graph calls that send one message, in order. To a customer: `me/messages`
 * (`messaging_type: RESPONSE`, within the 24-hour window) with text and up to
 * 13 quick replies of 20 characters, or an attachment by URL (Meta has no
 * captions: the text goes first, then the attachment). To a comment's
 * contact: a public reply on `replyEdge` (`replies` on Instagram, `comments`
 * on Facebook), always through `publicReplyText`, or with `privately` Meta's
 * private reply, `recipient: { comment_id }`.
 */
export function metaSendRequests(
  message: OutboundMessage,
  replyEdge: "replies" | "comments",
): GraphRequest[] {
  const commentId = parseCommentContactId(message.contactId);
  if (commentId !== undefined && !message.privately) {
    return [{ path: `${commentId}/${replyEdge}`, body: { message: publicReplyText(message.text) } }];
  }
  const envelope =
    commentId !== undefined
      ? { recipient: { comment_id: commentId } }
      : { recipient: { id: message.contactId }, messaging_type: "RESPONSE" };
  const send = (content: Record<string, unknown>): GraphRequest => ({
    path: "me/messages",
    body: { ...envelope, message: content },
  });
  if (message.media) {
    const attachment = send({
      attachment: {
        type: message.media.kind === "image" ? "image" : "file",
        payload: { url: message.media.url, is_reusable: true },
      },
    });
    return message.text ? [send({ text: message.text }), attachment] : [attachment];
  }
  if (message.quickReplies?.length && commentId === undefined) {
    return [
      send({
        text: message.text,
        quick_replies: message.quickReplies.slice(0, 13).map((title, i) => ({
          content_type: "text",
          title: title.slice(0, 20),
          payload: `qr-${i}-${title.slice(0, 200)}`,
        })),
      }),
    ];
  }
  return [send({ text: message.text })];
}
