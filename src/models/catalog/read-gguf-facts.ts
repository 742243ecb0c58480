import { checkGgufFile, type GgufFileFacts } from "../llamacpp/check-gguf-file.js";
import { getLlamaRuntime } from "../llamacpp/llama-runtime.js";

export type { GgufFileFacts };

/**
 * Checks a GGUF file and reads what the catalog records from its header (no
 * weights are loaded). Throws NotFoundError for a missing file and
 * AlambiqueError `model_not_gguf | model_corrupt | model_unsupported` — each
 * with what to do. Uses the process's shared llama.cpp runtime, the one the
 * embedded provider runs models on, to know which architectures it supports.
 */
export async function readGgufFacts(path: string): Promise<GgufFileFacts> {
  const { llama } = await getLlamaRuntime();
  return checkGgufFile(path, llama);
}
