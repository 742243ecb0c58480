import { z } from "zod";

/**
 * Schemas shared by several `/api` resources. A schema with a `meta({ id })`
 * becomes a named component of the OpenAPI document.
 */

/** `{ data: [...] }`: every `/api` list, whole (they are per tenant and small; paging can come later). */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item) });
}

export const deletedSchema = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: "Deleted", description: "What a DELETE answers: the id of what is gone." });

/** An id from the store (UUID v7-like), in a path. Any string is accepted: an unknown one is a 404. */
export const idParams = z.object({ id: z.string() });

/** An ISO-8601 time in UTC, as the store keeps them. */
export const isoTime = z.string().meta({ format: "date-time" });
