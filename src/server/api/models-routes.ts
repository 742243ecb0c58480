import { z } from "zod";
import type { AddModelInput } from "../../models/catalog/describe-model.js";
import { RequestError } from "../request-error.js";
import { type AddModelBody, addModelBodySchema, connectionTestBodySchema } from "./add-model-body.js";
import type { ApiDeps } from "./api-deps.js";
import { defaultModelsDir, onField, refuseTakenName, refuseUnlessOperator } from "./catalog-policy.js";
import { catalogModelSchema } from "./catalog-route.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { modelDownloadRoutes } from "./model-download-routes.js";

const problemSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().nullable() });

export const connectionTestSchema = z
  .object({
    ok: z.boolean().meta({ description: "Whether the engine listed its models and answered the chat" }),
    baseUrl: z.string().nullable(),
    models: z.array(z.string()).meta({ description: "What `GET {base}/models` listed" }),
    model: z
      .string()
      .nullable()
      .meta({ description: "The model the one-token chat went to; null when several and none named" }),
    reply: z.string().nullable(),
    latencyMs: z.number().nullable().meta({ description: "The one-token chat's time, in ms" }),
    error: problemSchema.nullable().meta({ description: "Why it failed, when `ok` is false" }),
  })
  .meta({ id: "ConnectionTest", description: "What trying an OpenAI-compatible engine found." });

/**
 * Adding to the server's model catalog from `/api`, as `alambique models add`
 * does (the same `describeModel`): a GGUF file on the server, an
 * OpenAI-compatible engine (with a connection test first), or a Hugging Face
 * file downloaded in the background (see `modelDownloadRoutes`). Operator only
 * (see `refuseUnlessOperator`): the routes are open to admin keys so that a
 * tenant's is told why, with `operator_only` on the field that asked.
 */
export function modelsRoutes(deps: ApiDeps): ApiRoute[] {
  const { store } = deps;
  return [
    defineApiRoute({
      method: "POST",
      path: "/api/models",
      tag: "models",
      summary: "Add a model: a GGUF file on the server or an OpenAI-compatible engine",
      description:
        "Operator only (403 `operator_only` otherwise). Reads the GGUF's architecture, size and licence (400 `model_not_gguf`, 404 for a missing file) or asks the engine for its models (422 `engine_unreachable`/`engine_unauthorized`/`engine_incompatible`, with `param: url`). 409 `model_exists` when the name is taken.",
      access: "admin",
      body: { schema: addModelBodySchema },
      response: { status: 201, description: "The catalog entry", schema: catalogModelSchema },
      errors: [400, 403, 404, 409, 422],
      async handler({ auth, body }) {
        const field = body.kind === "gguf" ? "path" : "url";
        await refuseUnlessOperator(store, auth, field);
        await refuseTakenName(store, body.name);
        const { describeModel } = await import("../../models/catalog/describe-model.js");
        const record = await describeModel(toAddModelInput(body), {
          modelsDir: deps.modelsDir ?? defaultModelsDir,
        }).catch((error: unknown) => {
          throw onField(error, field);
        });
        return store.models.add(record);
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/models/test-connection",
      tag: "models",
      summary: "Try an OpenAI-compatible engine: list its models, send a one-token chat",
      description:
        "Operator only (403 `operator_only` otherwise): the server calls the URL. The engine's failure is the answer (`ok: false` with its code, message and hint), not an error of this request. Adds nothing.",
      access: "admin",
      body: { schema: connectionTestBodySchema },
      response: { description: "What the test found", schema: connectionTestSchema },
      errors: [400, 403],
      async handler({ auth, body }) {
        await refuseUnlessOperator(store, auth, "url");
        try {
          const { testOpenAiConnection } = await import("../../models/catalog/test-openai-connection.js");
          const report = await testOpenAiConnection(body.url, {
            ...(body.apiKeyEnv ? { apiKeyEnv: body.apiKeyEnv } : {}),
            ...(body.remoteModel ? { remoteModel: body.remoteModel } : {}),
          });
          return { ok: true, ...report, error: null };
        } catch (error) {
          const problem = onField(error, "url");
          if (!RequestError.isInstance(problem)) throw error;
          const { code, message, hint } = problem;
          return {
            ok: false,
            baseUrl: null,
            models: [],
            model: null,
            reply: null,
            latencyMs: null,
            error: { code, message, hint: hint ?? null },
          };
        }
      },
    }),
    ...modelDownloadRoutes(deps),
  ];
}

/** The body as `describeModel` (and so the CLI's flags) names it: `path` is `--gguf`. */
function toAddModelInput(body: AddModelBody): AddModelInput {
  if (body.kind === "gguf") {
    const { kind: _kind, path, ...rest } = body;
    return { ...rest, gguf: path };
  }
  const { kind: _kind, ...rest } = body;
  return rest;
}
