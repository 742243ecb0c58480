import { z } from "zod";

/** The body of every error answer (see `toOpenAIError`), for the OpenAPI document. */
export const openAIErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z
        .string()
        .meta({ description: "`invalid_request_error`, `authentication_error`, `permission_error`, …" }),
      code: z.string().meta({ description: "Stable, for programs: `invalid_api_key`, `not_found`, …" }),
      param: z
        .string()
        .nullable()
        .meta({ description: "The request field at fault, as `tools[0].url`, or null" }),
    }),
  })
  .meta({ id: "Error", description: "Every error, OpenAI-shaped." });
