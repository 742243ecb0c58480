/** Webhook bodies as Meta posts them (Messenger `object: page`, Instagram `object: instagram`), for tests. */

/** A webhook body carrying one `messaging` event from `senderId` (a customer) to the account, as Meta posts it. */
export function metaMessagingEvent(
  kind: "messenger" | "instagram",
  accountId: string,
  senderId: string,
  event: Record<string, unknown>,
  timestampMs = Date.now(),
): Record<string, unknown> {
  return {
    object: kind === "messenger" ? "page" : "instagram",
    entry: [
      {
        id: accountId,
        time: timestampMs,
        messaging: [
          { sender: { id: senderId }, recipient: { id: accountId }, timestamp: timestampMs, ...event },
        ],
      },
    ],
  };
}

/** A webhook body carrying one comment on the account's post (Instagram `comments`, Facebook `feed`). */
export function metaCommentChange(
  kind: "messenger" | "instagram",
  accountId: string,
  comment: { id: string; text: string; fromId: string; fromName?: string },
  timeSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  const value =
    kind === "instagram"
      ? {
          id: comment.id,
          text: comment.text,
          from: { id: comment.fromId, username: comment.fromName ?? "ana.panes" },
          media: { id: "18000000000000001", media_product_type: "FEED" },
        }
      : {
          item: "comment",
          verb: "add",
          comment_id: comment.id,
          post_id: `${accountId}_90001`,
          message: comment.text,
          created_time: timeSeconds,
          from: { id: comment.fromId, name: comment.fromName ?? "Ana García" },
          parent_id: `${accountId}_90001`,
        };
  return {
    object: kind === "messenger" ? "page" : "instagram",
    entry: [
      {
        id: accountId,
        time: timeSeconds,
        changes: [{ field: kind === "messenger" ? "feed" : "comments", value }],
      },
    ],
  };
}
