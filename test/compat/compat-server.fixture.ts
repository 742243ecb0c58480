import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3, LanguageModelV3CallOptions } from "@ai-sdk/provider";
import type { FastifyInstance } from "fastify";
import { AgentRuntime } from "../../src/agents/agent-runtime.js";
import { seedDemoAgent } from "../../src/agents/demo-agent.fixture.js";
import { forgedModelPath } from "../../src/models/forge/forged-model.fixture.js";
import { createLlamaCpp } from "../../src/models/llamacpp/create-llamacpp-provider.js";
import { createServer } from "../../src/server/create-server.js";
import { NotFoundError } from "../../src/spec/errors.js";
import type { ModelResolver } from "../../src/spec/models.js";
import type { Store } from "../../src/spec/store.js";
import { defaultTenant } from "../../src/store/default-tenant.js";
import { openStore } from "../../src/store/open-store.js";

/** The catalog model: a forged random-weight Llama run by the embedded llama.cpp (it speaks nonsense). */
export const CATALOG_MODEL = "forged-tiny";
/** The demo bakery's agent in retrieval mode: it answers from its documents, no model. */
export const RETRIEVAL_AGENT = "agent:la-espiga";
/** The same agent answering with the catalog model, with no tools. */
export const MODEL_AGENT = "agent:la-espiga-llm";

/** Most tokens an agent's answer takes here (the agent's own limit is 512 a step). */
const AGENT_ANSWER_TOKENS = 24;

export interface CompatServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  /** An admin key of the default tenant: what a business's back end uses. */
  apiKey: string;
  store: Store;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Test fixture for the compatibility suite: the real server (auth required)
 * on a loopback port, as `alambique serve` runs it after `alambique demo`, on
 * a real SQLite store in a temporary folder, serving the catalog model and
 * two agents. Start one per test file: each loads the model once.
 */
export async function startCompatServer(): Promise<CompatServer> {
  const dir = mkdtempSync(join(tmpdir(), "alq-compat-"));
  const store = await openStore(join(dir, "alambique.db"));
  const tenant = await defaultTenant(store);
  await seedDemoAgent(store, tenant.id);
  await seedDemoAgent(store, tenant.id, (spec) => ({
    ...spec,
    name: MODEL_AGENT.slice("agent:".length),
    model: CATALOG_MODEL,
    tools: [],
  }));
  const apiKey = (await store.apiKeys.create({ tenantId: tenant.id, name: "back end", scopes: ["admin"] }))
    .secret;
  const path = await forgedModelPath("tiny", 1);
  const llamacpp = createLlamaCpp({ threads: 1, gpu: false });
  const models = catalogOf(CATALOG_MODEL, {
    language: () => llamacpp.languageModel(path),
    embedding: () => llamacpp.embeddingModel(path),
  });
  // The forged model speaks nonsense up to its token limit: agents' answers are capped, to keep the suite fast.
  const agentModels = catalogOf(CATALOG_MODEL, {
    language: () => capped(llamacpp.languageModel(path), AGENT_ANSWER_TOKENS),
    embedding: () => llamacpp.embeddingModel(path),
  });
  const agents = new AgentRuntime({ store, models: agentModels });
  const app = createServer({ store, models, agents });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    baseURL: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`,
    apiKey,
    store,
    app,
    async close() {
      await app.close();
      await agents.dispose();
      await llamacpp.dispose();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real model, generating at most `tokens` a call. */
function capped(model: LanguageModelV3, tokens: number): LanguageModelV3 {
  const cap = (options: LanguageModelV3CallOptions) => ({
    ...options,
    maxOutputTokens: Math.min(options.maxOutputTokens ?? tokens, tokens),
  });
  return {
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: model.supportedUrls,
    doGenerate: (options) => model.doGenerate(cap(options)),
    doStream: (options) => model.doStream(cap(options)),
  };
}

/** A catalog of one model; other names are `NotFoundError`s, as in a real catalog. */
function catalogOf(
  name: string,
  make: {
    language: () => Awaited<ReturnType<ModelResolver["languageModel"]>>;
    embedding: () => Awaited<ReturnType<ModelResolver["embeddingModel"]>>;
  },
): ModelResolver {
  const check = (asked: string) => {
    if (asked !== name) throw new NotFoundError("model", asked, "alambique models list");
  };
  const now = "2026-01-01T00:00:00.000Z";
  return {
    async languageModel(asked) {
      check(asked);
      return make.language();
    },
    async embeddingModel(asked) {
      check(asked);
      return make.embedding();
    },
    list: async () => [
      {
        name,
        source: "hf:alambique/forged/forged-tiny.gguf",
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
        createdAt: now,
        updatedAt: now,
      },
    ],
  };
}
