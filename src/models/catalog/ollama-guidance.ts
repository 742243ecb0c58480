import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../spec/errors.js";

/** Ollama's own endpoint for OpenAI clients, where it listens by default. */
export const OLLAMA_OPENAI_URL = "http://127.0.0.1:11434/v1";

/**
 * Whether `text` reads as an Ollama model name (`llama3`, `llama3.1:8b`,
 * `qwen2.5:7b-instruct-q4_K_M`): one word with an optional `:tag`, no folder,
 * no `.gguf`. Such a name is neither a file nor a Hugging Face reference.
 */
export function looksLikeOllamaName(text: string): boolean {
  return /^[a-z0-9][\w.-]*(:[\w.-]+)?$/i.test(text) && !text.toLowerCase().endsWith(".gguf");
}

/**
 * Whether a name that is not in the catalog is probably meant as Ollama's:
 * it has a `:tag`, this machine's Ollama has it, or it starts like a model
 * family Ollama lists (`llama3`, `qwen2.5`, `mistral`…).
 */
export function meansOllamaModel(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!looksLikeOllamaName(name)) return false;
  const family = /^(llama|qwen|mistral|mixtral|gemma|phi|deepseek|codellama|smollm|granite|olmo|tinyllama)/i;
  return name.includes(":") || family.test(name) || findOllamaGguf(name, env) !== undefined;
}

/**
 * The GGUF file of an Ollama model on this machine, read from the manifest
 * Ollama keeps for it (`$OLLAMA_MODELS`, default `~/.ollama/models`:
 * `manifests/registry.ollama.ai/library/NAME/TAG` names the model layer's
 * blob, `blobs/sha256-…`). Undefined when Ollama does not have it here.
 */
export function findOllamaGguf(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const [model, tag = "latest"] = name.toLowerCase().split(":");
  if (!model) return undefined;
  const root = env.OLLAMA_MODELS || join(homedir(), ".ollama", "models");
  const manifest = join(root, "manifests", "registry.ollama.ai", "library", model, tag);
  try {
    const layers = (JSON.parse(readFileSync(manifest, "utf8")) as { layers?: unknown }).layers;
    if (!Array.isArray(layers)) return undefined;
    const weights = layers.find(
      (l): l is { digest: string } =>
        typeof l === "object" &&
        l !== null &&
        (l as { mediaType?: unknown }).mediaType === "application/vnd.ollama.image.model" &&
        typeof (l as { digest?: unknown }).digest === "string",
    );
    const blob = weights && join(root, "blobs", weights.digest.replace(":", "-"));
    return blob && existsSync(blob) ? blob : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The two ways to bring in a model Ollama has, as command lines: its GGUF
 * file (the exact path when this machine's Ollama has it), or Ollama itself
 * as an OpenAI-compatible engine.
 */
export function ollamaWays(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  catalogName = name.replace(/:/g, "-"),
): string[] {
  const gguf = findOllamaGguf(name, env);
  return [
    gguf
      ? `Ollama's GGUF file of it, on this machine: alambique models add ${catalogName} --gguf ${gguf}`
      : `Ollama's GGUF file of it, once pulled (\`ollama show ${name} --modelfile\` prints its path, under ~/.ollama/models/blobs, on the FROM line): alambique models add ${catalogName} --gguf THAT_PATH`,
    `or Ollama as the engine: alambique models add ${catalogName} --url ${OLLAMA_OPENAI_URL} --remote-model ${name}`,
  ];
}

/** How to use an Ollama model in Alambique, as an indented hint: `ollamaWays`, or the GGUF from Hugging Face. */
export function ollamaGuidance(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  catalogName = name.replace(/:/g, "-"),
): string {
  return [
    "to use a model Ollama has, add",
    ...ollamaWays(name, env, catalogName),
    `or a GGUF from Hugging Face: alambique models add ${catalogName} --hf OWNER/REPO/FILE.gguf (its https://huggingface.co/… link works too)`,
  ].join("\n    ");
}

/** UsageError for an Ollama name given where a file or a Hugging Face reference was expected. */
export function ollamaNameError(
  name: string,
  where: string,
  env?: NodeJS.ProcessEnv,
  catalogName?: string,
): UsageError {
  return new UsageError(
    `"${name}" is an Ollama model name, not ${where}`,
    ollamaGuidance(name, env, catalogName),
  );
}
