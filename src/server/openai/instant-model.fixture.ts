import type {
  EmbeddingModelV3,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { NotFoundError } from "../../spec/errors.js";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord } from "../../spec/store.js";

export interface InstantModelOptions {
  /** The completion, always the same. Default `"Hola."`. */
  text?: string;
  /**
   * Awaited before answering (and before a stream's first part), to hold a
   * generation open in a test. Rejects with the call's abort reason if the
   * call is aborted first.
   */
  gate?: () => Promise<void>;
}

const USAGE: LanguageModelV3Usage = {
  inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 3, text: 3, reasoning: undefined },
};

/**
 * A real `LanguageModelV3` that answers every call at once with the same
 * short text (5 prompt tokens, 3 completion tokens), streamed as one delta.
 * It stands for an inference engine whose cost is not the server's: with it,
 * a test or a benchmark sees only what the gateway itself does.
 */
export function instantModel(options: InstantModelOptions = {}): LanguageModelV3 {
  const text = options.text ?? "Hola.";
  const wait = async (call: LanguageModelV3CallOptions) => {
    if (options.gate) await untilAbort(options.gate(), call.abortSignal);
  };
  return {
    specificationVersion: "v3",
    provider: "instant",
    modelId: "instant",
    supportedUrls: {},
    async doGenerate(call) {
      await wait(call);
      return {
        content: [{ type: "text", text }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: USAGE,
        warnings: [],
      };
    },
    async doStream(call) {
      const parts: LanguageModelV3StreamPart[] = [
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: text },
        { type: "text-end", id: "t" },
        { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: USAGE },
      ];
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          async start(controller) {
            try {
              await wait(call);
              for (const part of parts) controller.enqueue(part);
              controller.close();
            } catch (error) {
              controller.error(error);
            }
          },
        }),
      };
    },
  };
}

export interface GatedModel {
  /** An instant model whose every call waits until `open()`. */
  model: LanguageModelV3;
  open(): void;
  /** Resolves when the first call has arrived. */
  started: Promise<void>;
  /** The abort signal of every call, in order: to see that a generation was stopped. */
  signals: (AbortSignal | undefined)[];
}

/** An instant model held at a gate, to keep generations running while a test looks at the server. */
export function gatedModel(): GatedModel {
  let open!: () => void;
  let arrived!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const started = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const signals: (AbortSignal | undefined)[] = [];
  const inner = instantModel({
    gate: () => {
      arrived();
      return opened;
    },
  });
  const model: LanguageModelV3 = {
    ...inner,
    doGenerate(call) {
      signals.push(call.abortSignal);
      return inner.doGenerate(call);
    },
    doStream(call) {
      signals.push(call.abortSignal);
      return inner.doStream(call);
    },
  };
  return { model, open, started, signals };
}

/** An embedding model that answers at once: a 4-dimensional vector per value, 1 token per value. */
export function instantEmbeddingModel(): EmbeddingModelV3 {
  return {
    specificationVersion: "v3",
    provider: "instant",
    modelId: "instant-embedding",
    maxEmbeddingsPerCall: 2048,
    supportsParallelCalls: true,
    async doEmbed({ values }) {
      return {
        embeddings: values.map((value) => [value.length % 7, 1, 0, 0.5]),
        usage: { tokens: values.length },
        warnings: [],
      };
    },
  };
}

/**
 * A catalog of instant models by name, each also an embedding model. Records
 * name a Hugging Face file never downloaded, so that `/readyz` has neither a
 * local file to look for nor a remote engine to ask.
 */
export function instantResolver(models: Record<string, LanguageModelV3>): ModelResolver {
  const get = (name: string): LanguageModelV3 => {
    const model = models[name];
    if (model === undefined || !Object.hasOwn(models, name)) {
      throw new NotFoundError("model", name, "alambique models list");
    }
    return model;
  };
  const records = Object.keys(models).map((name) => instantRecord(name));
  return {
    languageModel: async (name) => get(name),
    embeddingModel: async (name) => {
      get(name);
      return instantEmbeddingModel();
    },
    list: async () => records,
  };
}

function instantRecord(name: string): ModelRecord {
  return {
    name,
    source: "hf:alambique/instant/instant.gguf",
    architecture: null,
    parameterCount: null,
    quantization: null,
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
}

function untilAbort(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
