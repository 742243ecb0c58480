import type { EmbeddingModelV3, LanguageModelV3 } from "@ai-sdk/provider";
import { NotFoundError } from "../../spec/errors.js";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord } from "../../spec/store.js";
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
  return resolve(models, name, options, "language", () => models.languageModel(name));
}

/** The embedding model a request names. Throws `RequestError` 404 `model_not_found` (param `model`). */
export function resolveEmbeddingModel(
  models: ModelResolver,
  name: string,
  options: ResolveOptions,
): Promise<EmbeddingModelV3> {
  return resolve(models, name, options, "embedding", () => models.embeddingModel(name));
}

/** How long a catalog read serves resolutions of names it has, in ms. A name it lacks is looked up again at once. */
const CATALOG_TTL_MS = 5_000;

interface Catalog {
  at: number;
  byName: Map<string, ModelRecord>;
}

/**
 * The catalog entry of `name`, from a read at most `CATALOG_TTL_MS` old: the
 * catalog is a store query (and a sort) that would otherwise run on every
 * request. A model added meanwhile is found at once (a miss reads again); a
 * model removed or changed is served as it was for at most that long.
 */
async function catalogEntry(models: ModelResolver, name: string): Promise<ModelRecord | undefined> {
  // Wall-clock time: a jump only makes one read early or late.
  const now = Date.now();
  const cached = catalogs.get(models);
  if (cached && now - cached.at < CATALOG_TTL_MS) {
    const record = cached.byName.get(name);
    if (record) return record;
  }
  const byName = new Map((await models.list()).map((r) => [r.name, r]));
  catalogs.set(models, { at: now, byName });
  return byName.get(name);
}

const catalogs = new WeakMap<ModelResolver, Catalog>();

interface Resolved {
  /** What the model object was made from: a catalog entry that changes makes a new one. */
  version: string;
  model: unknown;
}

/**
 * Model objects already made, per resolver, by kind and name. Making one can
 * cost far more than serving a request (an OpenAI-compatible engine's model
 * takes about 0.4 ms to construct, on every call); so a model is reused for
 * as long as its catalog entry is unchanged, and no longer.
 */
const made = new WeakMap<ModelResolver, Map<string, Resolved>>();

async function resolve<T>(
  models: ModelResolver,
  name: string,
  options: ResolveOptions,
  kind: "language" | "embedding",
  get: () => Promise<T>,
): Promise<T> {
  let record: ModelRecord | undefined;
  if (!options.allowPaths) {
    record = await catalogEntry(models, name);
    if (record === undefined) throw modelNotFound(name);
  }
  let cache = made.get(models);
  if (cache === undefined) {
    cache = new Map();
    made.set(models, cache);
  }
  const key = `${kind}\u0000${name}`;
  const version = record ? versionOf(record) : undefined;
  const cached = cache.get(key);
  if (version !== undefined && cached?.version === version) return cached.model as T;
  try {
    const model = await get();
    if (version !== undefined) cache.set(key, { version, model });
    return model;
  } catch (error) {
    if (NotFoundError.isInstance(error)) throw modelNotFound(name, error);
    throw error;
  }
}

function versionOf(record: ModelRecord): string {
  return `${record.source}\u0000${record.updatedAt}\u0000${JSON.stringify(record.metadata)}`;
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
