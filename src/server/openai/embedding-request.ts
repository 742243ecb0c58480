import { z } from "zod";

/**
 * The body of `POST /v1/embeddings`. Text input only (one string or a list of
 * them); OpenAI's pre-tokenised integer arrays are refused, since token ids
 * mean nothing across models. The official `openai` client asks for `base64`
 * by default, so both encodings are served.
 */
export const embeddingRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().max(256).nullish(),
});

export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;
