import { getLlama, type Llama, LlamaLogLevel, NoBinaryFoundError } from "node-llama-cpp";

/**
 * The process's llama.cpp runtime: one lazily created `Llama` per GPU setting
 * (in practice one per process: every provider asks for the same setting).
 * Loading the native binding costs ~0.4 s and each instance owns its own
 * backend and thread pool, so sharing it is both faster and lighter.
 */

/** What the doctor shows: which backend runs the models, and why a GPU was not used. */
export interface LlamaBackendInfo {
  /** `false` for CPU, otherwise the GPU backend (`cuda`, `vulkan`, `metal`). */
  gpu: false | "cuda" | "vulkan" | "metal";
  /** The setting asked for. */
  requested: LlamaGpuSetting;
  /** Set when a GPU was asked for (or auto-detected) but could not start, so CPU is used. */
  fallbackReason?: string;
  gpuDevices: string[];
  /** Physical cores llama.cpp uses for math; the default thread count for large models. */
  cpuMathCores: number;
  buildType: "localBuild" | "prebuilt";
  llamaCppRelease: string;
}

export type LlamaGpuSetting = "auto" | false | "cuda" | "vulkan" | "metal";

/** The minimal logger we need; pino's `Logger` satisfies it. */
export interface RuntimeLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface LlamaRuntime {
  llama: Llama;
  backend: LlamaBackendInfo;
}

const runtimes = new Map<string, Promise<LlamaRuntime>>();

/**
 * The shared runtime for `gpu` (default `"auto"`). With a GPU setting, a GPU
 * that fails to initialise (missing driver, unsupported card, out of memory)
 * is logged and replaced by the CPU backend, so a server still starts. Never
 * builds llama.cpp from source: the prebuilt binaries cover supported
 * platforms, and a surprise multi-minute compile is worse than a clear error.
 */
export function getLlamaRuntime(
  options: { gpu?: LlamaGpuSetting; logger?: RuntimeLogger } = {},
): Promise<LlamaRuntime> {
  const requested = options.gpu ?? "auto";
  const key = String(requested);
  let pending = runtimes.get(key);
  if (pending === undefined) {
    pending = startRuntime(requested, options.logger);
    pending.catch(() => runtimes.delete(key));
    runtimes.set(key, pending);
  }
  return pending;
}

/** Disposes every runtime this module created (tests, clean shutdown). Models must be disposed first. */
export async function disposeLlamaRuntimes(): Promise<void> {
  const all = [...runtimes.values()];
  runtimes.clear();
  await Promise.allSettled(all.map(async (pending) => (await pending).llama.dispose()));
}

const consoleLogger: RuntimeLogger = { warn: (message) => console.warn(`[alambique] ${message}`) };

async function startRuntime(
  requested: LlamaGpuSetting,
  given: RuntimeLogger | undefined,
): Promise<LlamaRuntime> {
  const logger = given ?? consoleLogger;
  const common = {
    build: "never" as const,
    logLevel: LlamaLogLevel.warn,
    progressLogs: false,
    // llama.cpp's own warnings and errors (why a model failed to load) go to our logger when one is given.
    ...(given
      ? {
          logger: (level: LlamaLogLevel, message: string) =>
            level === LlamaLogLevel.error || level === LlamaLogLevel.warn
              ? given.warn(`llama.cpp: ${message}`)
              : given.debug?.(`llama.cpp: ${message}`),
        }
      : {}),
  };
  let fallbackReason: string | undefined;
  let llama: Llama;
  if (requested === false) {
    llama = await getLlama({ ...common, gpu: false });
  } else {
    try {
      llama = await getLlama({ ...common, gpu: requested });
    } catch (error) {
      const why =
        error instanceof NoBinaryFoundError
          ? "no prebuilt llama.cpp binary for it works on this machine (is its driver or runtime installed?)"
          : error instanceof Error
            ? error.message
            : String(error);
      fallbackReason = `GPU backend "${requested}" failed to start: ${why}`;
      logger.warn(`${fallbackReason}; using the CPU instead`);
      llama = await getLlama({ ...common, gpu: false });
    }
  }
  const backend: LlamaBackendInfo = {
    gpu: llama.gpu,
    requested,
    gpuDevices: llama.gpu === false ? [] : await llama.getGpuDeviceNames().catch(() => []),
    cpuMathCores: llama.cpuMathCores,
    buildType: llama.buildType,
    llamaCppRelease: llama.llamaCppRelease.release,
  };
  if (fallbackReason !== undefined) backend.fallbackReason = fallbackReason;
  else if (requested !== "auto" && llama.gpu !== requested) {
    backend.fallbackReason = `GPU backend "${requested}" is not available here`;
  }
  return { llama, backend };
}
