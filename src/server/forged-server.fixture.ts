import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { FastifyInstance } from "fastify";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "../models/llamacpp/create-llamacpp-provider.js";
import { NotFoundError } from "../spec/errors.js";
import type { ModelResolver } from "../spec/models.js";
import type { ModelRecord, Store } from "../spec/store.js";
import { openStore } from "../store/open-store.js";
import { createServer, type ServerOptions } from "./create-server.js";

/** The catalog name under which the forged model is served. */
export const FORGED_MODEL = "forged-tiny";

export interface ForgedServer {
  app: FastifyInstance;
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  llamacpp: LlamaCppProvider;
  /** An admin key of a tenant of the server's store (catalog models need one), with `auth: "required"`; undefined otherwise. */
  apiKey: string | undefined;
  close(): Promise<void>;
}

export interface ForgedServerOptions extends Omit<ServerOptions, "models"> {
  /**
   * Default `disabled`: no key needed, no `/api`. `required`: the server gets
   * a store in a temporary folder, and `apiKey` is an admin key of a tenant in it.
   */
  auth?: "required" | "disabled";
  /** Wraps the real model, e.g. to watch the abort signal the server passes it. */
  wrapModel?: (model: LanguageModelV3) => LanguageModelV3;
}

/**
 * Test fixture: the real server on a loopback port, serving a forged
 * random-weight model (catalog name `forged-tiny`) run by the embedded
 * llama.cpp provider on one thread, for language and embeddings alike.
 */
export async function startForgedServer(options: ForgedServerOptions = {}): Promise<ForgedServer> {
  const { wrapModel = (model) => model, auth = "disabled", ...serverOptions } = options;
  const path = await forgedModelPath("tiny", 1);
  const llamacpp = createLlamaCpp({ threads: 1, gpu: false });
  const models = forgedResolver(llamacpp, path, wrapModel);
  let store: Store | undefined;
  let apiKey: string | undefined;
  const dir = auth === "required" ? mkdtempSync(join(tmpdir(), "alq-forged-server-")) : undefined;
  if (dir) {
    store = await openStore(join(dir, "alambique.db"));
    const tenant = await store.tenants.create({ slug: "forged", name: "Forged" });
    apiKey = (await store.apiKeys.create({ tenantId: tenant.id, name: "client", scopes: ["admin"] })).secret;
  }
  const app = store
    ? createServer({ ...serverOptions, models, store })
    : createServer({ ...serverOptions, models, auth: "disabled" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    baseURL: `http://127.0.0.1:${port}/v1`,
    llamacpp,
    apiKey,
    async close() {
      await app.close();
      await llamacpp.dispose();
      await store?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function forgedResolver(
  llamacpp: LlamaCppProvider,
  path: string,
  wrapModel: (model: LanguageModelV3) => LanguageModelV3,
): ModelResolver {
  const check = (name: string) => {
    if (name !== FORGED_MODEL) throw new NotFoundError("model", name, "alambique models list");
  };
  const record: ModelRecord = {
    name: FORGED_MODEL,
    source: `gguf:${path}`,
    architecture: "llama",
    parameterCount: null,
    quantization: "f32",
    contextLength: 4096,
    licenseId: "Apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: "open",
    codeOpenness: "open",
    outputsMayTrain: true,
    metadata: {},
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
  return {
    async languageModel(name) {
      check(name);
      return wrapModel(llamacpp.languageModel(path));
    },
    async embeddingModel(name) {
      check(name);
      return llamacpp.embeddingModel(path);
    },
    async list() {
      return [record];
    },
  };
}
