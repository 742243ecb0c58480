import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { forgeModel } from "../../../models/forge/forge-model.js";
import { type GgufTensor, type GgufValue, gguf, writeGguf } from "../../../models/forge/gguf-writer.js";
import { TrainingError } from "../../../spec/students.js";
import { checkLoraAdapter } from "./check-lora-adapter.js";
import { writeLoraAdapterFor } from "./lora-adapter.fixture.js";

/**
 * The adapter checks made from GGUF headers before a LoRA adapter enters the
 * catalog, on the forged tiny base (attn_q [64, 64], attn_k [64, 32],
 * token_embd [64, 2263]). That llama.cpp applies what passes is
 * `import-adapter-student.test.ts`'s.
 */
let dir: string;
let base: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-lora-check-"));
  base = (await forgeModel({ out: join(dir, "tiny.gguf"), preset: "tiny" })).path;
}, 60_000);

const zeros = (name: string, dims: number[]): GgufTensor => ({
  name,
  dims,
  type: "f32",
  chunks: () => [new Float32Array(dims.reduce((a, b) => a * b, 1))],
});

async function adapterFile(
  name: string,
  tensors: GgufTensor[],
  metadata: [string, GgufValue][] = [["adapter.lora.alpha", gguf.f32(8)]],
  type = "lora",
): Promise<string> {
  const path = join(dir, `${name}.gguf`);
  await writeGguf(path, {
    metadata: [
      ["general.architecture", gguf.str("llama")],
      ["general.type", gguf.str("adapter")],
      ["adapter.type", gguf.str(type)],
      ...metadata,
    ],
    tensors,
  });
  return path;
}

async function refusal(adapter: string, against = base): Promise<TrainingError> {
  const error = await checkLoraAdapter(adapter, against).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!TrainingError.isInstance(error)) throw new Error(`expected a TrainingError, got ${String(error)}`);
  return error;
}

describe("checkLoraAdapter", () => {
  it("accepts pairs that fit, token_embd's flipped pair included, and reads rank and alpha", async () => {
    const adapter = await writeLoraAdapterFor(base, join(dir, "fits.gguf"), {
      rank: 8,
      weights: /^(token_embd|blk\.\d+\.attn_k)\.weight$/,
    });
    expect(await checkLoraAdapter(adapter, base)).toEqual({
      architecture: "llama",
      rank: 8,
      alpha: 8,
      tensors: 3,
    });
    const noAlpha = await adapterFile(
      "no-alpha",
      [zeros("blk.0.attn_k.weight.lora_a", [64, 2]), zeros("blk.0.attn_k.weight.lora_b", [2, 32])],
      [],
    );
    expect(await checkLoraAdapter(noAlpha, base)).toMatchObject({ rank: 2, alpha: null, tensors: 1 });
  });

  it("refuses what does not fit, naming each problem", async () => {
    const transposed = await writeLoraAdapterFor(base, join(dir, "embd-transposed.gguf"), {
      weights: /^token_embd\.weight$/,
      transposed: true,
    });
    expect((await refusal(transposed)).message).toMatch(
      /does not fit the base .*: 1 problem: token_embd\.weight is \[64, 2263\] in the base, the adapter's A is \[2263, 4\] and B \[64, 4\]$/,
    );
    const odd = await adapterFile("odd", [
      zeros("blk.0.attn_k.weight.lora_a", [64, 2]),
      zeros("blk.0.attn_q.weight", [64, 64]),
      zeros("blk.9.attn_q.weight.lora_a", [64, 2]),
      zeros("blk.9.attn_q.weight.lora_b", [2, 64]),
      zeros("blk.1.attn_k.weight.lora_a", [64, 2]),
      zeros("blk.1.attn_k.weight.lora_b", [3, 32]),
    ]);
    const error = await refusal(odd);
    expect(error.reason).toBe("adapter_mismatch");
    expect(error.message).toContain("4 problems: blk.0.attn_q.weight is not a lora_a/lora_b tensor; ");
    expect(error.message).toContain("blk.0.attn_k.weight has a lora_a but no lora_b; ");
    expect(error.message).toContain("blk.9.attn_q.weight is not a tensor of the base; …");
    expect(error.hint).toMatch(/model it was trained from/);
  });

  it("refuses a file that is no LoRA adapter, and a base that is one", async () => {
    const vector = await adapterFile(
      "vector",
      [zeros("blk.0.attn_k.weight.lora_a", [64, 2])],
      [],
      "control_vector",
    );
    expect(await refusal(vector)).toMatchObject({
      reason: "adapter_invalid",
      message: expect.stringMatching(/vector\.gguf is an adapter of type control_vector, not a LoRA$/),
      hint: expect.stringContaining("convert_lora_to_gguf.py"),
    });
    const empty = await adapterFile("empty", []);
    expect((await refusal(empty)).message).toMatch(/empty\.gguf has no LoRA tensors$/);
    const fits = await writeLoraAdapterFor(base, join(dir, "fits2.gguf"));
    expect((await refusal(fits, fits)).message).toMatch(/the base .*fits2\.gguf is itself an adapter/);
    expect((await refusal(join(dir, "README.md"))).message).toMatch(
      /the adapter .*README\.md does not exist/,
    );
  });
});
