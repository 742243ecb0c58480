import { z } from "zod";
import type { ModelRecord } from "../../spec/store.js";
import type { ApiDeps } from "./api-deps.js";
import { isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";

const openness = z
  .enum(["open", "gated", "closed"])
  .nullable()
  .meta({ description: "`open`, `gated` (after accepting terms), `closed`; null when unknown" });

export const catalogModelSchema = z
  .object({
    name: z.string(),
    architecture: z.string().nullable(),
    parameterCount: z.number().nullable(),
    quantization: z.string().nullable(),
    contextLength: z.int().nullable(),
    licenseId: z.string().nullable().meta({ description: "SPDX-like id (`apache-2.0`, `llama3.1`)" }),
    licenseUrl: z.string().nullable(),
    weightsOpenness: openness,
    dataOpenness: openness,
    codeOpenness: openness,
    outputsMayTrain: z
      .boolean()
      .nullable()
      .meta({ description: "Whether the licence lets its outputs train other models; null when unknown" }),
    createdAt: isoTime,
  })
  .meta({
    id: "CatalogModel",
    description:
      "A model of the server's catalog with its licence and openness. Where it lives (a path, an engine's URL, the variable holding a key) is the operator's business and is not shown.",
  });

/**
 * `GET /api/models`: the server's model catalog with what `/v1/models`
 * cannot carry — licence, openness of weights, data and code, whether outputs
 * may train other models — for the console's Models page. The catalog is the
 * server's, the same for every tenant (as `/v1/models`); admin keys only.
 */
export function catalogRoute({ models }: ApiDeps): ApiRoute {
  return defineApiRoute({
    method: "GET",
    path: "/api/models",
    tag: "models",
    summary: "The model catalog, with licence and openness",
    access: "admin",
    response: { description: "In the catalog's order", schema: listOf(catalogModelSchema) },
    errors: [],
    async handler() {
      return { data: (await models.list()).map(toCatalogModel) };
    },
  });
}

function toCatalogModel(record: ModelRecord): z.input<typeof catalogModelSchema> {
  const { source: _source, metadata: _metadata, updatedAt: _updatedAt, ...shown } = record;
  return shown;
}
