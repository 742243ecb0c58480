import { isAbsolute, resolve } from "node:path";
import { UsageError } from "../../spec/errors.js";

/**
 * Where a model's weights or endpoint are, as stored in the catalog's `source`:
 * `gguf:/abs/path.gguf`, `hf:OWNER/REPO/FILE.gguf` or `url:https://host/v1`.
 */
export type ModelSource =
  | { kind: "gguf"; path: string }
  | { kind: "hf"; owner: string; repo: string; file: string }
  | { kind: "url"; baseUrl: string };

export function formatModelSource(source: ModelSource): string {
  switch (source.kind) {
    case "gguf":
      return `gguf:${source.path}`;
    case "hf":
      return `hf:${source.owner}/${source.repo}/${source.file}`;
    case "url":
      return `url:${source.baseUrl}`;
  }
}

/** Parses a stored `source`. Throws UsageError on anything else. */
export function parseModelSource(text: string): ModelSource {
  const [scheme, ...rest] = text.split(":");
  const value = rest.join(":");
  if (scheme === "gguf" && isAbsolute(value)) return { kind: "gguf", path: value };
  if (scheme === "hf") return parseHfReference(value);
  if (scheme === "url") return { kind: "url", baseUrl: parseBaseUrl(value) };
  throw new UsageError(
    `not a model source: "${text}"`,
    "use gguf:/path/file.gguf, hf:OWNER/REPO/FILE.gguf or url:https://host/v1",
  );
}

/** `OWNER/REPO/FILE.gguf` (an optional `hf:` prefix and `/resolve/main/` are tolerated). */
export function parseHfReference(text: string): Extract<ModelSource, { kind: "hf" }> {
  const parts = text
    .replace(/^hf:/, "")
    .replace("/resolve/main/", "/")
    .split("/")
    .filter((p) => p.length > 0);
  const [owner, repo, ...file] = parts;
  const fileName = file.join("/");
  if (!owner || !repo || !fileName.toLowerCase().endsWith(".gguf")) {
    throw new UsageError(
      `not a Hugging Face GGUF reference: "${text}"`,
      "write OWNER/REPO/FILE.gguf, e.g. bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    );
  }
  return { kind: "hf", owner, repo, file: fileName };
}

/** An http(s) base URL without a trailing slash, e.g. `http://127.0.0.1:8000/v1`. */
export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `not a URL: "${text}"`,
      "give the engine's OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `not an http(s) URL: "${text}"`,
      "give the engine's base URL, e.g. http://127.0.0.1:8000/v1",
    );
  }
  return url.toString().replace(/\/+$/, "");
}

export function ggufSource(path: string, cwd = process.cwd()): Extract<ModelSource, { kind: "gguf" }> {
  return { kind: "gguf", path: resolve(cwd, path) };
}
