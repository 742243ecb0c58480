import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../spec/json.js";
import { modelFileProblem } from "./model-file-problem.js";

describe("a student's LoRA adapter file", () => {
  const dir = mkdtempSync(join(tmpdir(), "alq-adapter-problem-"));
  const base = join(dir, "base.gguf");
  const adapter = join(dir, "student.lora.gguf");
  writeFileSync(base, "GGUF\u0003\u0000\u0000\u0000");
  const record = (lora: unknown) => ({
    source: `gguf:${base}`,
    metadata: { lora } as Record<string, JsonValue>,
  });

  it("is checked with the base: missing, not GGUF, or recorded out of shape, without naming the path", async () => {
    expect(await modelFileProblem(record([{ path: adapter, scale: 1 }]))).toBe(
      "its LoRA adapter file does not exist",
    );
    writeFileSync(adapter, "not a gguf");
    expect(await modelFileProblem(record([{ path: adapter }]))).toBe(
      "its LoRA adapter file is not a GGUF file",
    );
    expect(await modelFileProblem(record("nonsense"))).toBe("its LoRA adapters are not recorded in shape");
    writeFileSync(adapter, "GGUF\u0003\u0000\u0000\u0000");
    expect(await modelFileProblem(record([{ path: adapter }]))).toBeUndefined();
    expect(await modelFileProblem(record(undefined))).toBeUndefined();
  });
});
