import { describe, expect, it } from "vitest";
import { formatModelSource, parseHfReference } from "./model-source.js";

const file = {
  kind: "hf",
  owner: "bartowski",
  repo: "Llama-3.2-1B-Instruct-GGUF",
  file: "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
};

describe("parseHfReference: the forms people paste", () => {
  it.each([
    "bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "hf://bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf?download=true",
    "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/blob/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/blob/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "https://hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    "  hf:https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf ",
  ])("%s", (text) => {
    const parsed = parseHfReference(text);
    expect(parsed).toEqual(file);
    expect(formatModelSource(parsed)).toBe(`hf:${file.owner}/${file.repo}/${file.file}`);
  });

  it("keeps a file's folder and decodes escaped names", () => {
    expect(parseHfReference("https://huggingface.co/o/r/resolve/main/Q4/model%20a.gguf").file).toBe(
      "Q4/model a.gguf",
    );
  });

  it("says what to write for a repository without a file, another branch, another site, or an Ollama name", () => {
    expect(() => parseHfReference("https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF")).toThrow(
      /not a Hugging Face GGUF file/,
    );
    expect(() => parseHfReference("hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M")).toThrow(
      /quantization tag/,
    );
    expect(() => parseHfReference("https://huggingface.co/o/r/resolve/dev/x.gguf")).toThrow(/main branch/);
    expect(() => parseHfReference("https://example.com/o/r/x.gguf")).toThrow(/not a Hugging Face link/);
    try {
      parseHfReference("llama3.1:8b");
      expect.unreachable();
    } catch (error) {
      expect((error as { hint: string }).hint).toContain(
        "--url http://127.0.0.1:11434/v1 --remote-model llama3.1:8b",
      );
    }
  });
});
