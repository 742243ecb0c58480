import type { EmbeddingModelV3, LanguageModelV3 } from "@ai-sdk/provider";
import { NotFoundError } from "../../spec/errors.js";
import type { ModelResolver } from "../../spec/models.js";
import { RequestError } from "../request-error.js";

export interface ResolveOptions {
  /**
   * Whether a request may name a local file instead of a catalog model. Off by
   * default: a network client must not make the server open arbitrary paths.
   */
  allowPaths: boolean;
}

/** The language model a request names. Throws `RequestError` 404 `model_not_found` (param `model`). */
export function resolveLanguageModel(
  models: ModelResolver,
  name: string,
  options: ResolveOptions,
): Promise<LanguageModelV3> {
  return resolve(models, name, options, () => models.languageModel(name));
}

/** The embedding model a request names. Throws `RequestError` 404 `model_not_found` (param `model`). */
export function resolveEmbeddingModel(
  models: ModelResolver,
  name: string,
  options: ResolveOptions,
): Promise<EmbeddingModelV3> {
  return resolve(models, name, options, () => models.embeddingModel(name));
}

async function resolve<T>(
  models: ModelResolver,
  name: string,
  options: ResolveOptions,
  get: () => Promise<T>,
): Promise<T> {
  if (!options.allowPaths) {
    const catalog = await models.list();
    if (!catalog.some((record) => record.name === name)) throw modelNotFound(name);
  }
  try {
    return await get();
  } catch (error) {
    if (error instanceof NotFoundError) throw modelNotFound(name, error);
    throw error;
  }
}

function modelNotFound(name: string, cause?: unknown): RequestError {
  return new RequestError(`The model \`${name}\` does not exist`, {
    code: "model_not_found",
    status: 404,
    param: "model",
    hint: "GET /v1/models lists the models this server has; `alambique models add` adds one",
    cause,
  });
}
