import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { NewModel, Openness } from "../../spec/store.js";
import { type DownloadProgress, downloadHfModel } from "./download-hf-model.js";
import { findLicense } from "./known-licenses.js";
import { MODEL_NAME } from "./model-name.js";
import { formatModelSource, ggufSource, parseBaseUrl, parseHfReference } from "./model-source.js";
import { looksLikeOllamaName, meansOllamaModel, ollamaGuidance, ollamaNameError } from "./ollama-guidance.js";
import { probeOpenAiEndpoint } from "./probe-openai-endpoint.js";
import { readGgufFacts } from "./read-gguf-facts.js";

/** What `alambique models add` accepts. Exactly one of `gguf`, `hf`, `url`. */
export interface AddModelInput {
  name: string;
  gguf?: string;
  hf?: string;
  url?: string;
  /** The name of the environment variable that holds the engine's key (never the key). */
  apiKeyEnv?: string;
  /** The engine's model id; by default the catalog name if the engine serves it, or its only model. */
  remoteModel?: string;
  license?: string;
  licenseUrl?: string;
  weights?: Openness;
  data?: Openness;
  code?: Openness;
  outputsMayTrain?: boolean;
  /** Prices per million tokens, for cost reports of synthetic-data runs. */
  priceInput?: number;
  priceOutput?: number;
  threads?: number;
  contextSize?: number;
  /** For `url`: ask the engine for its models first (default true). */
  probe?: boolean;
}

export interface DescribeModelContext {
  /** Where `hf:` downloads go (`<dataDir>/models`). */
  modelsDir: string;
  env?: NodeJS.ProcessEnv;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Stops an `hf:` download; what was fetched so far never becomes a record (the caller checks `aborted`). */
  signal?: AbortSignal;
}

export { MODEL_NAME };

/**
 * Turns what a person typed into a catalog record: reads GGUF metadata (after
 * downloading an `hf:` file), probes a remote engine, and fills licence facts
 * from the known-licence table unless given. Writes nothing to the store.
 */
export async function describeModel(input: AddModelInput, context: DescribeModelContext): Promise<NewModel> {
  if (!MODEL_NAME.test(input.name)) {
    throw new UsageError(
      `invalid model name "${input.name}"`,
      "use letters, digits and . _ : - (start with a letter or digit)",
    );
  }
  const env = context.env ?? process.env;
  const sources = [input.gguf, input.hf, input.url].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    // `models add llama3.1:8b`, as one would `ollama pull` it: say how Ollama's models come in.
    const ollama = sources.length === 0 && meansOllamaModel(input.name, env);
    throw new UsageError(
      "give exactly one of --gguf PATH, --hf OWNER/REPO/FILE.gguf or --url BASE_URL",
      ollama ? ollamaGuidance(input.name, env) : undefined,
    );
  }
  if (input.hf !== undefined && looksLikeOllamaName(input.hf.trim()))
    throw ollamaNameError(input.hf.trim(), "a Hugging Face file (OWNER/REPO/FILE.gguf)", env, input.name);
  if (input.gguf !== undefined && looksLikeOllamaName(input.gguf) && !existsSync(input.gguf))
    throw ollamaNameError(input.gguf, "a .gguf file", env, input.name);
  const metadata: Record<string, JsonValue> = {};
  if (input.threads !== undefined) metadata.threads = input.threads;
  if (input.contextSize !== undefined) metadata.contextSize = input.contextSize;
  if (input.priceInput !== undefined) metadata.pricePerMillionInput = input.priceInput;
  if (input.priceOutput !== undefined) metadata.pricePerMillionOutput = input.priceOutput;

  let source: string;
  let facts: Awaited<ReturnType<typeof readGgufFacts>> | undefined;
  if (input.url !== undefined) {
    const baseUrl = parseBaseUrl(input.url);
    source = formatModelSource({ kind: "url", baseUrl });
    metadata.remoteModel = input.remoteModel ?? input.name;
    if (input.apiKeyEnv) metadata.apiKeyEnv = input.apiKeyEnv;
    if (input.probe !== false) metadata.remoteModel = await pickRemoteModel(baseUrl, input, env);
  } else if (input.hf !== undefined) {
    const hf = parseHfReference(input.hf);
    const path = await downloadHfModel(hf, join(context.modelsDir, "hf", hf.owner, hf.repo), {
      onProgress: context.onDownloadProgress,
      env: context.env,
      signal: context.signal,
    });
    source = formatModelSource(hf);
    metadata.localPath = path;
    facts = await readGgufFacts(path);
  } else {
    const gguf = ggufSource(input.gguf!);
    source = formatModelSource(gguf);
    facts = await readGgufFacts(gguf.path);
  }

  const licenseId = input.license ?? facts?.licenseId ?? null;
  const known = findLicense(licenseId);
  if (known?.conditions) metadata.licenseConditions = known.conditions;
  return {
    name: input.name,
    source,
    architecture: facts?.architecture ?? null,
    parameterCount: facts?.parameterCount ?? null,
    quantization: facts?.quantization ?? null,
    contextLength: facts?.contextLength ?? null,
    licenseId: known?.id ?? licenseId,
    licenseUrl: input.licenseUrl ?? known?.url ?? null,
    weightsOpenness: input.weights ?? known?.weights ?? null,
    dataOpenness: input.data ?? null,
    codeOpenness: input.code ?? null,
    outputsMayTrain: input.outputsMayTrain ?? known?.outputsMayTrain ?? null,
    metadata,
  };
}

async function pickRemoteModel(
  baseUrl: string,
  input: AddModelInput,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const apiKey = input.apiKeyEnv ? env[input.apiKeyEnv] : undefined;
  if (input.apiKeyEnv && !apiKey) {
    throw new UsageError(
      `the environment variable ${input.apiKeyEnv} is not set`,
      `export ${input.apiKeyEnv}=… first`,
    );
  }
  const served = await probeOpenAiEndpoint(baseUrl, { apiKey });
  const wanted = input.remoteModel ?? input.name;
  if (served.includes(wanted)) return wanted;
  if (!input.remoteModel && served.length === 1) return served[0]!;
  throw new UsageError(
    `the engine at ${baseUrl} does not serve "${wanted}"; it serves: ${served.join(", ") || "nothing"}`,
    "pass --remote-model with one of those ids",
  );
}
