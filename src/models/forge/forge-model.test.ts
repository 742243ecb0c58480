import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GGMLQuantizationType, GGUFValueType, gguf } from "@huggingface/gguf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import { FORGE_VERSION, type ForgeOptions, forgeModel } from "./forge-model.js";
import { FORGE_PRESETS } from "./forge-presets.js";
import { forgedModelCacheDir, forgedModelPath } from "./forged-model.fixture.js";
import { LLAMA3_CHAT_TEMPLATE, LLAMA3_SPECIAL_TOKENS } from "./llama3-vocab.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "alambique-forge-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("forgeModel", () => {
  it("forges the tiny preset in well under 2 s, byte-identical for the same seed", async () => {
    const started = performance.now();
    const a = await forgeModel({ out: join(dir, "a.gguf"), seed: 7 });
    expect(performance.now() - started).toBeLessThan(2000);
    const b = await forgeModel({ out: join(dir, "b.gguf"), preset: "tiny", seed: 7 });
    const c = await forgeModel({ out: join(dir, "c.gguf"), preset: "tiny", seed: 8 });

    expect(a.sha256).toBe(b.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    const bytes = await readFile(a.path);
    expect(bytes.length).toBe(a.bytes);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(a.sha256);
    expect(a).toMatchObject({ preset: "tiny", seed: 7, contextLength: 4096 });
    expect(a.vocabSize).toBeGreaterThan(2000);
    expect(a.vocabSize).toBeLessThan(4096);
    // Only the output is left behind: no temporary files.
    expect((await readdir(dir)).sort()).toEqual(["a.gguf", "b.gguf", "c.gguf"]);
  });

  it("writes the metadata and tensors llama.cpp expects, readable by an independent parser", async () => {
    const result = await forgeModel({ out: join(dir, "meta.gguf"), seed: 3 });
    const { typedMetadata: meta, tensorInfos } = await gguf(result.path, {
      allowLocalFile: true,
      typedMetadata: true,
    });
    const value = (key: string) => meta[key]?.value;
    const preset = FORGE_PRESETS.tiny;

    expect(value("general.architecture")).toBe("llama");
    expect(value("general.name")).toBe("alambique-forge-tiny");
    expect(value("general.license")).toBe("apache-2.0");
    expect(value("general.alignment")).toBe(32);
    expect(value("alambique.forge.version")).toBe(FORGE_VERSION);
    expect(value("alambique.forge.seed")).toBe(3);
    expect(meta["llama.context_length"]).toEqual({ value: 4096, type: GGUFValueType.UINT32 });
    expect(value("llama.embedding_length")).toBe(preset.embeddingLength);
    expect(value("llama.block_count")).toBe(preset.blockCount);
    expect(value("llama.feed_forward_length")).toBe(preset.feedForwardLength);
    expect(value("llama.attention.head_count")).toBe(preset.headCount);
    expect(value("llama.attention.head_count_kv")).toBe(preset.headCountKv);
    expect(value("llama.rope.dimension_count")).toBe(preset.embeddingLength / preset.headCount);
    expect(meta["llama.rope.freq_base"]).toEqual({ value: 500000, type: GGUFValueType.FLOAT32 });
    expect(value("llama.attention.layer_norm_rms_epsilon")).toBeCloseTo(1e-5, 10);
    expect(value("llama.vocab_size")).toBe(result.vocabSize);

    expect(value("tokenizer.ggml.model")).toBe("gpt2");
    expect(value("tokenizer.ggml.pre")).toBe("llama-bpe");
    expect(value("tokenizer.chat_template")).toBe(LLAMA3_CHAT_TEMPLATE);
    const tokens = value("tokenizer.ggml.tokens") as string[];
    const types = value("tokenizer.ggml.token_type") as number[];
    const merges = value("tokenizer.ggml.merges") as string[];
    expect(meta["tokenizer.ggml.token_type"]?.subType).toBe(GGUFValueType.INT32);
    expect(tokens).toHaveLength(result.vocabSize);
    expect(types).toHaveLength(result.vocabSize);
    expect(merges).toHaveLength(preset.maxMerges);
    for (const special of LLAMA3_SPECIAL_TOKENS) expect(types[tokens.indexOf(special)]).toBe(3);
    expect(types.filter((t) => t === 1)).toHaveLength(result.vocabSize - LLAMA3_SPECIAL_TOKENS.length);
    expect(tokens[value("tokenizer.ggml.bos_token_id") as number]).toBe("<|begin_of_text|>");
    expect(tokens[value("tokenizer.ggml.eos_token_id") as number]).toBe("<|end_of_text|>");
    expect(tokens[value("tokenizer.ggml.eot_token_id") as number]).toBe("<|eot_id|>");
    for (const merge of merges) expect(tokens).toContain(merge.replace(" ", ""));

    const shapes = Object.fromEntries(tensorInfos.map((t) => [t.name, t.shape.map(Number)]));
    const [embd, vocab, ff] = [preset.embeddingLength, result.vocabSize, preset.feedForwardLength];
    const kv = (embd / preset.headCount) * preset.headCountKv;
    expect(tensorInfos).toHaveLength(3 + 9 * preset.blockCount);
    expect(tensorInfos.every((t) => t.dtype === GGMLQuantizationType.F32)).toBe(true);
    expect(shapes["token_embd.weight"]).toEqual([embd, vocab]);
    expect(shapes["output.weight"]).toEqual([embd, vocab]);
    expect(shapes["output_norm.weight"]).toEqual([embd]);
    for (let i = 0; i < preset.blockCount; i++) {
      expect(shapes[`blk.${i}.attn_norm.weight`]).toEqual([embd]);
      expect(shapes[`blk.${i}.attn_q.weight`]).toEqual([embd, embd]);
      expect(shapes[`blk.${i}.attn_k.weight`]).toEqual([embd, kv]);
      expect(shapes[`blk.${i}.attn_v.weight`]).toEqual([embd, kv]);
      expect(shapes[`blk.${i}.attn_output.weight`]).toEqual([embd, embd]);
      expect(shapes[`blk.${i}.ffn_norm.weight`]).toEqual([embd]);
      expect(shapes[`blk.${i}.ffn_gate.weight`]).toEqual([embd, ff]);
      expect(shapes[`blk.${i}.ffn_up.weight`]).toEqual([embd, ff]);
      expect(shapes[`blk.${i}.ffn_down.weight`]).toEqual([ff, embd]);
    }
    const counted = tensorInfos.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * Number(b), 1), 0);
    expect(result.parameterCount).toBe(counted);
  });

  it("forges the small preset with F16 matrices, F32 norms and a bigger vocabulary", async () => {
    const small = await forgeModel({ out: join(dir, "small.gguf"), preset: "small" });
    const tiny = await forgeModel({ out: join(dir, "tiny.gguf"), preset: "tiny" });
    const { typedMetadata: meta, tensorInfos } = await gguf(small.path, {
      allowLocalFile: true,
      typedMetadata: true,
    });
    expect(small.vocabSize).toBeGreaterThan(tiny.vocabSize);
    expect(small.parameterCount).toBeGreaterThan(10 * tiny.parameterCount);
    expect(meta["general.file_type"]?.value).toBe(1);
    expect(meta["llama.context_length"]?.value).toBeGreaterThanOrEqual(4096);
    for (const t of tensorInfos) {
      const expected = t.shape.length === 1 ? GGMLQuantizationType.F32 : GGMLQuantizationType.F16;
      expect([t.name, t.dtype]).toEqual([t.name, expected]);
    }
  });

  it("replaces an existing file and creates missing folders", async () => {
    const out = join(dir, "nested", "deeper", "model.gguf");
    const first = await forgeModel({ out });
    await writeFile(out, "not a model");
    const second = await forgeModel({ out });
    expect(second.sha256).toBe(first.sha256);
    expect((await readFile(out)).subarray(0, 4).toString()).toBe("GGUF");
  });

  const usageErrorFor = async (options: ForgeOptions): Promise<UsageError> => {
    const error = await forgeModel(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toBeTruthy();
    return error as UsageError;
  };

  it("rejects an unknown preset and an invalid seed with a hint", async () => {
    const out = join(dir, "never.gguf");
    expect((await usageErrorFor({ out, preset: "huge" as "tiny" })).hint).toContain("tiny, small");
    await usageErrorFor({ out, seed: -1 });
    await usageErrorFor({ out, seed: 1.5 });
    await usageErrorFor({ out, seed: 2 ** 32 });
    await usageErrorFor({ out: " " });
  });

  it("rejects an output path that cannot be written, leaving nothing behind", async () => {
    const blocker = join(dir, "a-file");
    await writeFile(blocker, "x");
    const error = await usageErrorFor({ out: join(blocker, "model.gguf") });
    expect(error.message).toContain(join(blocker, "model.gguf"));
    await usageErrorFor({ out: dir });
    expect(AlambiqueError.isInstance(error) && error.status).toBe(400);
  });
});

describe("forgedModelPath (test fixture)", () => {
  it("forges once per preset and seed and shares the file, also between concurrent callers", async () => {
    const [a, b] = await Promise.all([forgedModelPath("tiny", 11), forgedModelPath("tiny", 11)]);
    expect(a).toBe(b);
    expect(await forgedModelPath()).not.toBe(a);
    const again = await forgedModelPath("tiny", 11);
    expect(again).toBe(a);
    const direct = await forgeModel({ out: join(dir, "same.gguf"), preset: "tiny", seed: 11 });
    expect(
      createHash("sha256")
        .update(await readFile(a))
        .digest("hex"),
    ).toBe(direct.sha256);
  });

  it("deletes models of other forge fingerprints untouched for a day when it forges", async () => {
    await mkdir(forgedModelCacheDir(), { recursive: true });
    const stale = join(forgedModelCacheDir(), "forge-tiny-seed1-v0-000000000000.gguf");
    const recent = join(forgedModelCacheDir(), "forge-tiny-seed1-v0-111111111111.gguf");
    await writeFile(stale, "old");
    await writeFile(recent, "new");
    const dayAndABitAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(stale, dayAndABitAgo, dayAndABitAgo);
    // A seed no earlier run has cached, so that this call forges.
    const path = await forgedModelPath("tiny", (Date.now() ^ (process.pid << 16)) >>> 0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    await rm(recent);
    await rm(path);
  });
});
