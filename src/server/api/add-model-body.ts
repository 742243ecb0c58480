import { z } from "zod";
import { MODEL_NAME } from "../../models/catalog/model-name.js";

/*
 * The bodies of the routes that add to the model catalog (`models-routes.ts`),
 * in a file of their own with no Node imports: the console validates its form
 * with these very schemas (the agent form does the same with the agent spec).
 * They mirror `alambique models add`'s flags, which `describeModel` reads.
 */

const openness = z.enum(["open", "gated", "closed"]);

const name = z
  .string()
  .regex(MODEL_NAME, "letters, digits and . _ : - only, starting with a letter or digit (at most 128)")
  .meta({ description: "The catalog name agents and `/v1` call it by", example: "llama3.2-1b" });

/** What `--license`, `--weights`, … give: facts the GGUF or the known-licence table may not have. */
const facts = {
  license: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: "Licence id (`apache-2.0`, `llama3.1`); default: the GGUF's metadata" }),
  licenseUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  weights: openness.optional().meta({ description: "Are the weights open, gated or closed" }),
  data: openness.optional().meta({ description: "Is the training data open" }),
  code: openness.optional().meta({ description: "Is the training code open" }),
  outputsMayTrain: z
    .boolean()
    .optional()
    .meta({ description: "May its outputs train other models; default: from the licence" }),
  priceInput: z.number().nonnegative().optional().meta({ description: "USD per million input tokens" }),
  priceOutput: z.number().nonnegative().optional().meta({ description: "USD per million output tokens" }),
  threads: z.int().positive().max(1024).optional().meta({ description: "CPU threads (embedded models)" }),
  contextSize: z.int().positive().max(10_000_000).optional().meta({ description: "Context tokens" }),
};

const engineUrl = z
  .string()
  .min(1)
  .max(2000)
  .regex(/^https?:\/\/[^\s/]+/i, "an http(s) URL, e.g. http://127.0.0.1:8000/v1")
  .meta({ description: "The engine's OpenAI-compatible base URL", example: "http://127.0.0.1:8000/v1" });

/** The *name* of a server environment variable holding the engine's key: never the key itself. */
const apiKeyEnv = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "the name of an environment variable, e.g. VLLM_API_KEY")
  .optional()
  .meta({ description: "The server's environment variable that holds the engine's API key" });

const remoteModel = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .meta({ description: "The engine's model id; default: the name if it serves it, or its only model" });

export const addModelBodySchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("gguf"),
      name,
      path: z
        .string()
        .min(1)
        .max(4096)
        .regex(/^(\/|[A-Za-z]:[\\/])/, "an absolute path on the server, e.g. /srv/models/model.gguf")
        .meta({ description: "An absolute path to a `.gguf` file on the server's disk" }),
      ...facts,
    }),
    z.strictObject({
      kind: z.literal("url"),
      name,
      url: engineUrl,
      remoteModel,
      apiKeyEnv,
      probe: z
        .boolean()
        .optional()
        .meta({ description: "Ask the engine for its models first (default true)" }),
      ...facts,
    }),
  ])
  .meta({
    id: "NewCatalogModel",
    description:
      "A model to add: a GGUF file on the server (`gguf`) or an OpenAI-compatible engine (`url`). A Hugging Face file is downloaded with `POST /api/model-downloads`.",
  });

export const downloadModelBodySchema = z
  .strictObject({
    name,
    hf: z.string().min(1).max(1000).meta({
      description: "`OWNER/REPO/FILE.gguf`, or the file's https://huggingface.co/… link",
      example: "bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    }),
    ...facts,
  })
  .meta({ id: "NewModelDownload", description: "A GGUF file on Hugging Face to download and add." });

export const connectionTestBodySchema = z
  .strictObject({ url: engineUrl, remoteModel, apiKeyEnv })
  .meta({ id: "ConnectionTestRequest", description: "An OpenAI-compatible engine to try before adding it." });

export type AddModelBody = z.infer<typeof addModelBodySchema>;
export type DownloadModelBody = z.infer<typeof downloadModelBodySchema>;
export type ConnectionTestBody = z.infer<typeof connectionTestBodySchema>;
