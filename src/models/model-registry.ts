import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ModelSourceConfig } from "../spec/config.js";
import { AlambiqueError, NotFoundError } from "../spec/errors.js";
import type { EmbeddingModelV3, LanguageModelV3, ModelResolver } from "../spec/models.js";
import type { ModelRecord, Store } from "../spec/store.js";
import { downloadHfModel } from "./catalog/download-hf-model.js";
import { modelLora } from "./catalog/model-lora.js";
import {
  formatModelSource,
  ggufSource,
  parseBaseUrl,
  parseHfReference,
  parseModelSource,
} from "./catalog/model-source.js";
import type { LlamaCppProvider, LlamaCppProviderSettings } from "./llamacpp/create-llamacpp-provider.js";
import type { OpenAICompatibleProvider } from "./openai-compatible/create-openai-compatible-provider.js";

/*
 * The providers are imported on first use, not with this module: node-llama-cpp (~0.75 s of CPU to import) and the
 * AI SDK's OpenAI-compatible provider would otherwise be loaded by every `serve`, also when no agent uses a model
 * (retrieval mode). The first turn on an embedded model pays the import once.
 */
let llamaCppModule: Promise<typeof import("./llamacpp/create-llamacpp-provider.js")> | undefined;
let remoteModule:
  | Promise<typeof import("./openai-compatible/create-openai-compatible-provider.js")>
  | undefined;
const loadLlamaCpp = () => {
  llamaCppModule ??= import("./llamacpp/create-llamacpp-provider.js");
  return llamaCppModule;
};
/**
 * Imports the embedded provider now rather than at the first model call: for processes whose work is models
 * (`worker`), where an import blocking the event loop mid-job would hold up lease renewals.
 */
export async function preloadEmbeddedProvider(): Promise<void> {
  await loadLlamaCpp();
}
const loadRemote = () => {
  remoteModule ??= import("./openai-compatible/create-openai-compatible-provider.js");
  return remoteModule;
};

export interface ModelRegistryOptions {
  /** The catalog (`alambique models add`). */
  store: Store;
  /** Models declared in `alambique.yaml`; they win over catalog entries of the same name. */
  declared?: Record<string, ModelSourceConfig>;
  /** Defaults for embedded models (threads, sequences, GPU); a model's own `threads`/`contextSize` win. */
  llamacpp?: LlamaCppProviderSettings;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where `hf:` models declared in the config are downloaded on first use (`<dataDir>/models`). */
  modelsDir?: string;
}

/**
 * Resolves a catalog name, a declared model, or a path to a `.gguf` file into
 * an AI SDK model. Embedded models with the same settings share one provider
 * (and so one model pool: each file is loaded once); remote engines share one
 * provider per base URL and key. `dispose()` unloads everything.
 */
export class ModelRegistry implements ModelResolver {
  private readonly embedded = new Map<string, LlamaCppProvider>();
  private readonly remote = new Map<string, OpenAICompatibleProvider>();

  constructor(private readonly options: ModelRegistryOptions) {}

  async languageModel(nameOrPath: string): Promise<LanguageModelV3> {
    const record = await this.find(nameOrPath);
    const source = parseModelSource(record.source);
    if (source.kind === "url") return (await this.remoteProvider(record)).languageModel(remoteId(record));
    const lora = modelLora(record); // a student that is an adapter on its base (`source`)
    return (await this.embeddedProvider(record)).languageModel(
      await this.localPath(record),
      lora && { lora },
    );
  }

  async embeddingModel(nameOrPath: string): Promise<EmbeddingModelV3> {
    const record = await this.find(nameOrPath);
    const source = parseModelSource(record.source);
    if (source.kind === "url") return (await this.remoteProvider(record)).embeddingModel(remoteId(record));
    return (await this.embeddedProvider(record)).embeddingModel(await this.localPath(record));
  }

  async contextTokens(nameOrPath: string): Promise<number | undefined> {
    const record = await this.find(nameOrPath);
    const given = numberOr(record.metadata.contextSize, undefined);
    if (given !== undefined) return given;
    if (parseModelSource(record.source).kind === "url") {
      const remote = await this.remoteProvider(record);
      const reported = (await remote.engineInfo(remoteId(record))).contextTokens;
      if (reported !== undefined) return reported;
    }
    return record.contextLength ?? undefined;
  }

  async list(): Promise<ModelRecord[]> {
    const declared = Object.entries(this.options.declared ?? {}).map(([name, m]) =>
      declaredRecord(name, m, this.cwd),
    );
    const names = new Set(declared.map((m) => m.name));
    const catalog = (await this.options.store.models.list()).filter((m) => !names.has(m.name));
    return [...declared, ...catalog].sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<ModelRecord | undefined> {
    const declared = this.options.declared;
    if (declared && Object.hasOwn(declared, name)) return declaredRecord(name, declared[name]!, this.cwd);
    return this.options.store.models.get(name);
  }

  /** The catalog record for a name, or a synthetic one for a `.gguf` path. */
  async find(nameOrPath: string): Promise<ModelRecord> {
    const record = await this.get(nameOrPath);
    if (record) return record;
    const path = resolve(this.cwd, nameOrPath);
    if (nameOrPath.toLowerCase().endsWith(".gguf") || existsSync(path)) {
      return declaredRecord(nameOrPath, { gguf: path }, this.cwd);
    }
    throw new NotFoundError(
      "model",
      nameOrPath,
      "give a catalog name (`alambique models list`) or a path to a .gguf file; add models with `alambique models add`",
    );
  }

  async dispose(): Promise<void> {
    const providers = [...this.embedded.values()];
    this.embedded.clear();
    this.remote.clear();
    await Promise.all(providers.map((p) => p.dispose()));
  }

  private get cwd(): string {
    return this.options.cwd ?? process.cwd();
  }

  /** The GGUF file of an embedded model; an `hf:` model declared in the config is downloaded on first use. */
  private async localPath(record: ModelRecord): Promise<string> {
    const source = parseModelSource(record.source);
    if (source.kind === "gguf") return source.path;
    if (typeof record.metadata.localPath === "string") return record.metadata.localPath;
    if (source.kind === "hf" && this.options.modelsDir) {
      return downloadHfModel(source, join(this.options.modelsDir, "hf", source.owner, source.repo), {
        env: this.options.env,
      });
    }
    throw new AlambiqueError(`the model ${record.name} (${record.source}) has not been downloaded`, {
      code: "model_not_downloaded",
      status: 409,
      retryable: false,
      hint: `add it with \`alambique models add ${record.name} --hf …\` where there is internet`,
    });
  }

  /** The shared embedded provider for the record's settings; made (after the import) without an await between. */
  private async embeddedProvider(record: ModelRecord): Promise<LlamaCppProvider> {
    const { createLlamaCpp } = await loadLlamaCpp();
    const threads = numberOr(record.metadata.threads, this.options.llamacpp?.threads);
    const contextSize = numberOr(record.metadata.contextSize, this.options.llamacpp?.contextSize);
    const key = `${threads ?? "auto"}:${contextSize ?? "auto"}`;
    let provider = this.embedded.get(key);
    if (!provider) {
      provider = createLlamaCpp({
        ...this.options.llamacpp,
        ...(threads !== undefined ? { threads } : {}),
        ...(contextSize !== undefined ? { contextSize } : {}),
      });
      this.embedded.set(key, provider);
    }
    return provider;
  }

  private async remoteProvider(record: ModelRecord): Promise<OpenAICompatibleProvider> {
    const { createOpenAICompatibleProvider } = await loadRemote();
    const source = parseModelSource(record.source);
    if (source.kind !== "url") throw new Error("unreachable: not a remote model");
    const apiKeyEnv = typeof record.metadata.apiKeyEnv === "string" ? record.metadata.apiKeyEnv : undefined;
    const key = `${source.baseUrl} ${apiKeyEnv ?? ""}`;
    let provider = this.remote.get(key);
    if (!provider) {
      provider = createOpenAICompatibleProvider({
        baseURL: source.baseUrl,
        name: record.name,
        ...(apiKeyEnv ? { apiKeyEnv } : {}),
        env: this.options.env ?? process.env,
      });
      this.remote.set(key, provider);
    }
    return provider;
  }
}

function remoteId(record: ModelRecord): string {
  return typeof record.metadata.remoteModel === "string" ? record.metadata.remoteModel : record.name;
}

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
  return typeof value === "number" ? value : fallback;
}

/** A catalog-shaped record for a model declared in the config file (facts unknown until loaded). */
function declaredRecord(name: string, m: ModelSourceConfig, cwd: string): ModelRecord {
  const source = m.gguf
    ? ggufSource(m.gguf, cwd)
    : m.hf
      ? parseHfReference(m.hf)
      : { kind: "url" as const, baseUrl: parseBaseUrl(m.url!) };
  const metadata: ModelRecord["metadata"] = { declared: true };
  if (m.threads !== undefined) metadata.threads = m.threads;
  if (m.contextSize !== undefined) metadata.contextSize = m.contextSize;
  if (m.apiKeyEnv) metadata.apiKeyEnv = m.apiKeyEnv;
  if (m.remoteModel) metadata.remoteModel = m.remoteModel;
  const now = new Date(0).toISOString();
  return {
    name,
    source: formatModelSource(source),
    architecture: null,
    parameterCount: null,
    quantization: null,
    contextLength: null,
    licenseId: m.license ?? null,
    licenseUrl: null,
    weightsOpenness: null,
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: null,
    metadata,
    createdAt: now,
    updatedAt: now,
  };
}
