import { z } from "zod";
import { metaTime } from "../graph/meta-time.js";

/** Instagram's `comments` field. */
const instagramCommentSchema = z.looseObject({
  id: z.string(),
  text: z.string(),
  from: z.looseObject({ id: z.string(), username: z.string().optional() }),
});
/** A Page's `feed` field, for a comment. */
const pageCommentSchema = z.looseObject({
  item: z.literal("comment"),
  verb: z.string(),
  comment_id: z.string(),
  message: z.string().optional(),
  created_time: z.number().optional(),
  from: z.looseObject({ id: z.string(), name: z.string().optional() }),
});

/** A comment on the account's post as the webhook tells it. */
export interface MetaComment {
  id: string;
  authorId: string;
  name?: string;
  text: string;
  sentAt: string;
}

/**
 * The new comment in a webhook change: Instagram's `comments` field or a
 * Page's `feed` with `item: comment, verb: add` (edits and removals are not
 * new comments); undefined for any other change.
 */
export function metaComment(
  change: { field: string; value: unknown },
  object: "page" | "instagram",
  entryTime: number | undefined,
): MetaComment | undefined {
  if (object === "instagram" && change.field === "comments") {
    const c = instagramCommentSchema.safeParse(change.value);
    if (!c.success) return undefined;
    const { id, text, from } = c.data;
    return {
      id,
      text,
      authorId: from.id,
      sentAt: metaTime(entryTime),
      ...(from.username ? { name: from.username } : {}),
    };
  }
  if (object === "page" && change.field === "feed") {
    const c = pageCommentSchema.safeParse(change.value);
    if (!c.success || c.data.verb !== "add" || !c.data.message) return undefined;
    const { comment_id, message, from, created_time } = c.data;
    return {
      id: comment_id,
      text: message,
      authorId: from.id,
      sentAt: metaTime(created_time ?? entryTime),
      ...(from.name ? { name: from.name } : {}),
    };
  }
  return undefined;
}
