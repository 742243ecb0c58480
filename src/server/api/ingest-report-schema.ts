import { z } from "zod";

/** What an upload did: the answer of a synchronous upload, and a queued one's `report` once it has succeeded. */
export const ingestReportSchema = z
  .object({
    added: z.array(z.string()),
    updated: z.array(z.string()),
    unchanged: z.array(z.string()).meta({ description: "Same bytes as the stored source: not read again" }),
    duplicates: z.array(z.object({ uri: z.string(), duplicateOf: z.string() })),
    skipped: z
      .array(z.object({ path: z.string(), reason: z.string() }))
      .meta({ description: "Files that could not be used, and why (the rest were)" }),
    chunks: z.int(),
    embedded: z.int(),
    bytes: z.int(),
  })
  .meta({ id: "IngestReport" });
