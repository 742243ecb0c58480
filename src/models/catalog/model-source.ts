import { isAbsolute, resolve } from "node:path";
import { UsageError } from "../../spec/errors.js";
import { looksLikeOllamaName, ollamaGuidance } from "./ollama-guidance.js";

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

const HF_EXAMPLE =
  "bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf, or its https://huggingface.co/…/resolve/main/….gguf link";

/**
 * A Hugging Face GGUF file, in the forms people paste: `OWNER/REPO/FILE.gguf`
 * (a file in a folder: `OWNER/REPO/DIR/FILE.gguf`), with `hf:` or `hf://`
 * before it, or the file's page or download link
 * (`https://huggingface.co/OWNER/REPO/blob/main/FILE.gguf`,
 * `…/resolve/main/FILE.gguf?download=true`, `hf.co/…`).
 *
 * Throws UsageError saying what to write instead for: a repository without a
 * file (`OWNER/REPO`, `OWNER/REPO:Q4_K_M`), a file that is not `.gguf`, a
 * branch other than `main`, a URL of another site, and an Ollama name
 * (`llama3.1:8b`, see `ollamaNameError` for the guidance with local paths).
 */
export function parseHfReference(text: string): Extract<ModelSource, { kind: "hf" }> {
  const given = text.trim();
  const bare = given.replace(/^hf:(\/\/)?/i, "");
  const link = /^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co|hf\.co)\/([^?#]*)/i.exec(bare);
  if (!link && /^[a-z][a-z0-9+.-]*:\/\//i.test(bare)) {
    throw new UsageError(
      `not a Hugging Face link: "${given}"`,
      `write OWNER/REPO/FILE.gguf, e.g. ${HF_EXAMPLE}`,
    );
  }
  const parts = (link ? link[1]! : bare).split("/").filter((p) => p.length > 0);
  const [owner, repo, ...rest] = parts.map(decodePart);
  if (!owner || !repo) {
    throw new UsageError(
      `not a Hugging Face GGUF reference: "${given}"`,
      looksLikeOllamaName(bare) ? ollamaGuidance(bare) : `write OWNER/REPO/FILE.gguf, e.g. ${HF_EXAMPLE}`,
    );
  }
  // `…/blob/main/x.gguf` is the file's page, `…/resolve/main/x.gguf` its download: the same file.
  let file = rest;
  if (["resolve", "blob", "raw"].includes(rest[0] ?? "") && rest.length >= 3) {
    if (rest[1] !== "main") {
      throw new UsageError(
        `only files on the main branch can be added with --hf; "${given}" is on ${rest[1]}`,
        "download the .gguf yourself, then add it with --gguf PATH",
      );
    }
    file = rest.slice(2);
  }
  const fileName = file.join("/");
  if (fileName === "" || !fileName.toLowerCase().endsWith(".gguf")) {
    const tagged = repo.includes(":");
    throw new UsageError(
      `not a Hugging Face GGUF file: "${given}"${tagged ? " (a quantization tag names no file)" : ""}`,
      `name the .gguf file itself, as the repository's "Files" page lists it (https://huggingface.co/${owner}/${repo.split(":")[0]}/tree/main): OWNER/REPO/FILE.gguf, e.g. ${HF_EXAMPLE}`,
    );
  }
  return { kind: "hf", owner, repo, file: fileName };
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
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
