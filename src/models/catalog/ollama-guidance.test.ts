import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { findOllamaGguf, looksLikeOllamaName, ollamaGuidance } from "./ollama-guidance.js";

/** An Ollama models folder laid out as Ollama writes it: a manifest naming the weights' blob. */
async function ollamaFolder(): Promise<{ root: string; blob: string }> {
  const root = mkdtempSync(join(tmpdir(), "alq-ollama-"));
  const digest = `sha256:${"ab".repeat(32)}`;
  const manifests = join(root, "manifests", "registry.ollama.ai", "library", "llama3.1");
  mkdirSync(manifests, { recursive: true });
  mkdirSync(join(root, "blobs"));
  writeFileSync(
    join(manifests, "8b"),
    JSON.stringify({
      schemaVersion: 2,
      layers: [
        { mediaType: "application/vnd.ollama.image.template", digest: `sha256:${"cd".repeat(32)}`, size: 10 },
        { mediaType: "application/vnd.ollama.image.model", digest, size: 1 },
      ],
    }),
  );
  const blob = join(root, "blobs", digest.replace(":", "-"));
  copyFileSync(await forgedModelPath("tiny", 1), blob);
  return { root, blob };
}

describe("Ollama guidance", () => {
  it("tells Ollama names from files and Hugging Face references", () => {
    for (const name of ["llama3", "llama3.1:8b", "qwen2.5:7b-instruct-q4_K_M"])
      expect(looksLikeOllamaName(name)).toBe(true);
    for (const name of ["./x.gguf", "model.gguf", "owner/repo/x.gguf", "https://huggingface.co/a/b"])
      expect(looksLikeOllamaName(name)).toBe(false);
  });

  it("finds the GGUF blob of a model this machine's Ollama has, and names it in the guidance", async () => {
    const { root, blob } = await ollamaFolder();
    const env = { OLLAMA_MODELS: root };
    expect(findOllamaGguf("llama3.1:8b", env)).toBe(blob);
    expect(findOllamaGguf("llama3.1", env)).toBeUndefined(); // no `latest` tag pulled
    expect(ollamaGuidance("llama3.1:8b", env)).toContain(`--gguf ${blob}`);
    const absent = ollamaGuidance("mistral:7b", env);
    expect(absent).toContain("ollama show mistral:7b --modelfile");
    expect(absent).toContain("--url http://127.0.0.1:11434/v1 --remote-model mistral:7b");
  });
});
