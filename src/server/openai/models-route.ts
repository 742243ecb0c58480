import type { FastifyInstance } from "fastify";
import type { ModelRecord } from "../../spec/store.js";
import { RequestError } from "../request-error.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";

export interface OpenAIModel {
  id: string;
  object: "model";
  /** Unix seconds: when the model entered the catalog. */
  created: number;
  owned_by: string;
}

/**
 * `GET /v1/models` and `GET /v1/models/:model`, from the catalog. A record's
 * source (a local path, a remote URL) is deliberately not shown: it is the
 * operator's business, not the client's.
 */
export function registerModelsRoute(app: FastifyInstance, options: OpenAIRoutesOptions): void {
  app.get("/models", async () => {
    const records = await options.models.list();
    return { object: "list", data: records.map(toOpenAIModel) };
  });
  app.get<{ Params: { model: string } }>("/models/:model", async (request) => {
    const records = await options.models.list();
    const record = records.find((r) => r.name === request.params.model);
    if (record === undefined) {
      throw new RequestError(`The model \`${request.params.model}\` does not exist`, {
        code: "model_not_found",
        status: 404,
        param: "model",
      });
    }
    return toOpenAIModel(record);
  });
}

function toOpenAIModel(record: ModelRecord): OpenAIModel {
  const created = Date.parse(record.createdAt);
  return {
    id: record.name,
    object: "model",
    created: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
    owned_by: "alambique",
  };
}
