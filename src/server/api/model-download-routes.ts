import { z } from "zod";
import { preflightHfDownload } from "../../models/catalog/download-hf-model.js";
import { formatModelSource, parseHfReference } from "../../models/catalog/model-source.js";
import { AlambiqueError } from "../../spec/errors.js";
import { RequestError } from "../request-error.js";
import { downloadModelBodySchema } from "./add-model-body.js";
import type { ApiDeps } from "./api-deps.js";
import { idParams, isoTime, listOf } from "./api-schemas.js";
import { defaultModelsDir, onField, refuseTakenName, refuseUnlessOperator } from "./catalog-policy.js";
import { catalogModelSchema } from "./catalog-route.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { ModelDownloads } from "./model-downloads.js";

export const modelDownloadSchema = z
  .object({
    id: z.string(),
    name: z.string().meta({ description: "The catalog name it is added under once complete" }),
    hf: z.string().meta({ description: "`hf:OWNER/REPO/FILE.gguf`" }),
    status: z.enum(["running", "done", "failed", "cancelled"]),
    downloadedBytes: z.number(),
    totalBytes: z.number().meta({ description: "0 until the hub has said" }),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().nullable() }).nullable(),
    model: catalogModelSchema.nullable().meta({ description: "The catalog entry, once `done`" }),
  })
  .meta({
    id: "ModelDownload",
    description:
      "A Hugging Face file being downloaded into the catalog. Kept in the server's memory: a restart forgets it (and adds nothing).",
  });

/**
 * `/api/model-downloads`: a Hugging Face GGUF downloaded in the background
 * (see `ModelDownloads`) and added to the catalog when whole. The start
 * answers at once: 422 `download_failed` when the hub cannot be reached (an
 * offline server says so before anything runs), else 202 with the download to
 * follow. Operator only, like every way into the catalog (`refuseUnlessOperator`).
 */
export function modelDownloadRoutes(deps: ApiDeps): ApiRoute[] {
  const { store } = deps;
  const downloads = new ModelDownloads();
  const modelsDir = deps.modelsDir ?? defaultModelsDir;
  const routes: ApiRoute[] = [
    defineApiRoute({
      method: "POST",
      path: "/api/model-downloads",
      tag: "models",
      summary: "Download a GGUF from Hugging Face into the catalog",
      description:
        "Operator only (403 `operator_only`). Checks the reference (400) and that the hub answers (422 `download_failed`, 403 `download_unauthorized` for a gated file without `HF_TOKEN`, 404 `download_not_found`) before answering 202; the download then runs on the server (`HF_TOKEN`, `HF_ENDPOINT` from its environment). 409 `model_exists` when the name is taken.",
      access: "admin",
      body: { schema: downloadModelBodySchema },
      response: { status: 202, description: "The download, running", schema: modelDownloadSchema },
      errors: [400, 403, 404, 409, 422],
      async handler({ auth, body }) {
        await refuseUnlessOperator(store, auth, "hf");
        await refuseTakenName(store, body.name, downloads.runningFor(body.name) !== undefined);
        const { hf, ...rest } = body;
        try {
          const source = parseHfReference(hf);
          await preflightHfDownload(source);
          return downloads.start(body.name, formatModelSource(source), async (signal, onProgress) => {
            // node-llama-cpp (read through describeModel) loads on first use, not at serve's start.
            const { describeModel } = await import("../../models/catalog/describe-model.js");
            const record = await describeModel(
              { ...rest, hf },
              { modelsDir, onDownloadProgress: onProgress, signal },
            );
            if (signal.aborted) throw new AlambiqueError("cancelled", { code: "cancelled" });
            return store.models.add(record);
          });
        } catch (error) {
          throw onField(error, "hf");
        }
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/model-downloads",
      tag: "models",
      summary: "The server's downloads, running and recent",
      access: "admin",
      response: { description: "Newest first", schema: listOf(modelDownloadSchema) },
      errors: [403],
      async handler({ auth }) {
        await refuseUnlessOperator(store, auth, "hf");
        return { data: downloads.list() };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/model-downloads/:id",
      tag: "models",
      summary: "One download, with its progress",
      access: "admin",
      params: idParams,
      response: { description: "The download", schema: modelDownloadSchema },
      errors: [403, 404],
      async handler({ auth, params }) {
        await refuseUnlessOperator(store, auth, "hf");
        return downloads.get(params.id) ?? notFound(params.id);
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/api/model-downloads/:id",
      tag: "models",
      summary: "Cancel a download (nothing is added to the catalog)",
      access: "admin",
      params: idParams,
      response: { description: "The download, cancelled (or as it finished)", schema: modelDownloadSchema },
      errors: [403, 404],
      async handler({ auth, params }) {
        await refuseUnlessOperator(store, auth, "hf");
        return downloads.cancel(params.id) ?? notFound(params.id);
      },
    }),
  ];
  // The start also stops the running downloads when the server closes.
  const [start, ...others] = routes as [ApiRoute, ...ApiRoute[]];
  const register: ApiRoute["register"] = (app) => {
    app.addHook("onClose", async () => downloads.close());
    start.register(app);
  };
  return [{ ...start, register }, ...others];
}

function notFound(id: string): never {
  throw new RequestError(`no download \`${id}\` on this server`, {
    code: "not_found",
    status: 404,
    param: "id",
    hint: "GET /api/model-downloads lists them; a restart forgets them",
  });
}
