import {
  type ChatWrapper,
  InsufficientMemoryError,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import { AlambiqueError } from "../../spec/errors.js";
import { checkGgufFile, type GgufFileFacts } from "./check-gguf-file.js";
import type { LlamaRuntime } from "./llama-runtime.js";
import { SequenceQueue } from "./sequence-queue.js";

/**
 * Loads each GGUF file once and lends out context sequences.
 *
 * - A model is keyed by its real path (symlinks resolved) plus the load
 *   options, so two names for one file share one copy in memory.
 * - Each model has one context per LoRA adapter set: llama.cpp applies
 *   adapters when a context is created, so requests with different adapters
 *   cannot share a context (they do share the model's weights).
 * - A context has `sequences` sequences; each request borrows one, so up to
 *   that many requests decode in parallel (llama.cpp batches them together).
 *   When all are busy, requests wait first-in first-out, at most
 *   `queueTimeoutMs`, and an aborted request leaves the queue at once.
 * - A returned sequence keeps its KV cache: the next request that starts with
 *   the same tokens (a system prompt, the earlier turns of a conversation)
 *   skips evaluating them. The most recently returned sequence is lent first
 *   because it is the likeliest to share a prefix with the next turn.
 */

export interface LoraAdapter {
  /** Path of a LoRA adapter GGUF made for this model. */
  path: string;
  /** Strength; 1 applies the adapter as trained. Default 1. */
  scale?: number;
}

export interface ModelPoolOptions {
  runtime: () => Promise<LlamaRuntime>;
  /**
   * CPU threads per context. Default: 1 for model files under 100 MB, else the
   * physical core count. Tiny models do so little work per token that a second
   * thread only adds synchronisation: measured on a 2-core VM, 1 thread decoded
   * a 1.5 MB model 30-60x faster than 2 (see FACTS.md).
   */
  threads?: number;
  /** Tokens per sequence. Default: the model's training context, at most 4096 (less if memory is short). */
  contextSize?: number;
  /** Parallel requests per model (and adapter set). Default 4. */
  sequences?: number;
  /** Layers to offload to the GPU. Default "auto" (as many as fit). */
  gpuLayers?: "auto" | "max" | number;
  /** How long a request may wait for a free sequence. Default 60 s. */
  queueTimeoutMs?: number;
}

export interface LoadedModel {
  model: LlamaModel;
  facts: GgufFileFacts;
  threads: number;
  chatWrapper: ChatWrapper;
}

export interface SequenceLease {
  sequence: LlamaContextSequence;
  loaded: LoadedModel;
  /** Returns the sequence to the pool. Call exactly once, after generation has settled. */
  release(): void;
}

interface ModelEntry {
  loaded: Promise<LoadedModel>;
  contexts: Map<string, Promise<SequenceQueue>>;
  embedding?: Promise<{ context: LlamaEmbeddingContext; queue: Promise<unknown> }>;
}

const TINY_MODEL_BYTES = 100 * 1024 * 1024;
const DEFAULT_MAX_CONTEXT = 4096;

export class ModelPool {
  readonly #options: ModelPoolOptions;
  readonly #models = new Map<string, ModelEntry>();
  /** File checks by the path as given, so a request does not re-read GGUF headers. */
  readonly #facts = new Map<string, Promise<GgufFileFacts>>();
  /** The adapter-free context of each model path once it serves: `acquire`'s fast path. */
  readonly #plain = new Map<string, { queue: SequenceQueue; loaded: LoadedModel }>();
  #disposed = false;

  constructor(options: ModelPoolOptions) {
    this.#options = options;
  }

  get sequencesPerContext(): number {
    return this.#options.sequences ?? 4;
  }

  /** Loads (once) and returns the model at `path`. Throws the errors of `checkGgufFile`, or `model_too_large`. */
  async load(path: string): Promise<LoadedModel> {
    return (await this.#entry(path)).loaded;
  }

  /**
   * Borrows a sequence of the model at `path` with `lora` applied. Waits in
   * FIFO order when all are busy; rejects with `model_busy` after
   * `queueTimeoutMs`, or with the signal's reason when aborted.
   */
  async acquire(
    path: string,
    options: { lora?: LoraAdapter[]; signal?: AbortSignal } = {},
  ): Promise<SequenceLease> {
    options.signal?.throwIfAborted();
    const plain = options.lora === undefined || options.lora.length === 0;
    const known = plain ? this.#plain.get(path) : undefined;
    if (known !== undefined && !this.#disposed) {
      // The common call, on a model already serving: no file check, no context lookup, one await.
      return this.#lease(known.queue, known.loaded, await known.queue.take(options.signal));
    }
    const entry = await this.#entry(path);
    const loaded = await entry.loaded;
    const lora = options.lora ?? [];
    const adapters =
      lora.length === 0
        ? []
        : await Promise.all(
            lora.map(async (a) => ({ filePath: (await this.#check(a.path)).realPath, scale: a.scale ?? 1 })),
          );
    const key =
      adapters.length === 0
        ? "[]"
        : JSON.stringify(adapters.sort((a, b) => a.filePath.localeCompare(b.filePath)));
    let slot = entry.contexts.get(key);
    if (slot === undefined) {
      slot = this.#createContext(loaded, adapters);
      slot.catch(() => entry.contexts.delete(key));
      entry.contexts.set(key, slot);
    }
    const ready = await slot;
    if (adapters.length === 0 && !this.#disposed) this.#plain.set(path, { queue: ready, loaded });
    return this.#lease(ready, loaded, await ready.take(options.signal));
  }

  #lease(queue: SequenceQueue, loaded: LoadedModel, sequence: LlamaContextSequence): SequenceLease {
    let released = false;
    return {
      sequence,
      loaded,
      release: () => {
        if (released) return;
        released = true;
        queue.give(sequence);
      },
    };
  }

  /**
   * Runs `fn` with the embedding context of the model at `path`, one call at a
   * time (an embedding context evaluates one input at a time anyway).
   */
  async withEmbeddingContext<T>(
    path: string,
    fn: (context: LlamaEmbeddingContext, loaded: LoadedModel) => Promise<T>,
  ): Promise<T> {
    const entry = await this.#entry(path);
    const loaded = await entry.loaded;
    if (entry.embedding === undefined) {
      entry.embedding = translateMemoryError(
        loaded.model.createEmbeddingContext({
          contextSize: this.#contextSize(loaded.model),
          threads: loaded.threads,
        }),
        loaded.facts,
        "embedding context",
      ).then((context) => ({ context, queue: Promise.resolve() as Promise<unknown> }));
      entry.embedding.catch(() => {
        entry.embedding = undefined;
      });
    }
    const embedding = await entry.embedding;
    const run = embedding.queue.then(() => fn(embedding.context, loaded));
    embedding.queue = run.catch(() => undefined);
    return run;
  }

  /** Unloads every model; waiting requests are rejected. The pool cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const entries = [...this.#models.values()];
    this.#models.clear();
    this.#facts.clear();
    this.#plain.clear();
    await Promise.allSettled(
      entries.map(async (entry) => {
        for (const slot of entry.contexts.values()) {
          const ready = await slot.catch(() => undefined);
          if (!ready) continue;
          ready.rejectAll(disposedError());
          await ready.context.dispose();
        }
        const embedding = await entry.embedding?.catch(() => undefined);
        await embedding?.context.dispose();
        const loaded = await entry.loaded.catch(() => undefined);
        await loaded?.model.dispose();
      }),
    );
  }

  async #entry(path: string): Promise<ModelEntry> {
    if (this.#disposed) throw disposedError();
    const facts = await this.#check(path);
    const key = `${facts.realPath}\0${JSON.stringify({ gpuLayers: this.#options.gpuLayers ?? "auto" })}`;
    let entry = this.#models.get(key);
    if (entry === undefined) {
      const loaded = this.#loadModel(facts);
      const created: ModelEntry = { loaded, contexts: new Map() };
      loaded.catch(() => this.#models.delete(key));
      this.#models.set(key, created);
      entry = created;
    }
    return entry;
  }

  #check(path: string): Promise<GgufFileFacts> {
    let facts = this.#facts.get(path);
    if (facts === undefined) {
      facts = this.#options.runtime().then(({ llama }) => checkGgufFile(path, llama));
      facts.catch(() => this.#facts.delete(path));
      this.#facts.set(path, facts);
    }
    return facts;
  }

  async #loadModel(facts: GgufFileFacts): Promise<LoadedModel> {
    const { llama, backend } = await this.#options.runtime();
    const model = await translateMemoryError(
      llama.loadModel({ modelPath: facts.realPath, gpuLayers: this.#options.gpuLayers ?? "auto" }),
      facts,
      "model",
    ).catch((error: unknown) => {
      if (AlambiqueError.isInstance(error)) throw error;
      throw new AlambiqueError(`llama.cpp could not load ${facts.realPath}: ${(error as Error).message}`, {
        code: "model_load_failed",
        status: 500,
        retryable: false,
        hint: "llama.cpp logged the reason above. Check that the file is a complete model (not an adapter) for this llama.cpp version.",
        cause: error,
      });
    });
    const threads = this.#options.threads ?? (facts.sizeBytes < TINY_MODEL_BYTES ? 1 : backend.cpuMathCores);
    return { model, facts, threads, chatWrapper: resolveChatWrapper(model) };
  }

  #contextSize(model: LlamaModel): number | { min: number; max: number } {
    if (this.#options.contextSize !== undefined) return this.#options.contextSize;
    const max = Math.min(model.trainContextSize || DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT);
    return { min: Math.min(512, max), max };
  }

  async #createContext(
    loaded: LoadedModel,
    adapters: { filePath: string; scale: number }[],
  ): Promise<SequenceQueue> {
    const context = await translateMemoryError(
      loaded.model.createContext({
        sequences: this.sequencesPerContext,
        contextSize: this.#contextSize(loaded.model),
        threads: loaded.threads,
        ...(adapters.length > 0 ? { lora: { adapters } } : {}),
      }),
      loaded.facts,
      "context",
    );
    return new SequenceQueue(context, this.#options.queueTimeoutMs ?? 60_000);
  }
}

function disposedError(): AlambiqueError {
  return new AlambiqueError("the model pool was disposed", {
    code: "model_pool_disposed",
    status: 503,
    retryable: false,
  });
}

/** node-llama-cpp refuses, before allocating, what its estimate says will not fit; say so in our terms. */
async function translateMemoryError<T>(pending: Promise<T>, facts: GgufFileFacts, what: string): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (!(error instanceof InsufficientMemoryError)) throw error;
    const mb = (facts.sizeBytes / 1024 / 1024).toFixed(0);
    throw new AlambiqueError(
      `not enough free memory for the ${what} of ${facts.realPath} (${mb} MB file): ${error.message}`,
      {
        code: "model_too_large",
        status: 503,
        retryable: false,
        hint:
          what === "model"
            ? "Use a smaller model or quantisation (e.g. Q4_K_M), offload fewer layers (gpuLayers), or free memory."
            : "Lower contextSize or sequences, or free memory.",
        cause: error,
      },
    );
  }
}
