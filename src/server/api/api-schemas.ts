import { z } from "zod";

/**
 * Schemas shared by several `/api` resources. A schema with a `meta({ id })`
 * becomes a named component of the OpenAPI document.
 */

/** `{ data: [...] }`: every `/api` list, whole (they are per tenant and small; paging can come later). */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item) });
}

/** A page of a longer list: `next` is the `after` that fetches the following page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    hasMore: z.boolean(),
    next: z
      .string()
      .nullable()
      .meta({ description: "Pass as `after` for the next page; null on the last page" }),
  });
}

/** `limit` and `after` of a paged list. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: "Page size, 1–500" }),
  after: z.string().max(200).optional().meta({ description: "The `next` of the previous page" }),
};

/** An opaque cursor for keyset paging on (createdAt, id). */
export function encodeCursor(position: { createdAt: string; id: string }): string {
  return Buffer.from(`${position.createdAt}\n${position.id}`, "utf8").toString("base64url");
}

/** The position in a cursor from `encodeCursor`; undefined when it is not one. */
export function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  const [createdAt, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("\n");
  if (rest.length > 0 || !createdAt || !id || Number.isNaN(Date.parse(createdAt))) return undefined;
  return { createdAt, id };
}

export const deletedSchema = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: "Deleted", description: "What a DELETE answers: the id of what is gone." });

/** An id from the store (UUID v7-like), in a path. Any string is accepted: an unknown one is a 404. */
export const idParams = z.object({ id: z.string() });

/** An ISO-8601 time in UTC, as the store keeps them. */
export const isoTime = z.string().meta({ format: "date-time" });
