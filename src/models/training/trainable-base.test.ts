import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TrainingError } from "../../spec/students.js";
import { forgeModel } from "../forge/forge-model.js";
import { packWindows, windowLength } from "./pack-windows.js";
import { estimateTrainingBytes, readTrainableBase } from "./trainable-base.js";

describe("a trainable base", () => {
  it("is what `forge --f32` makes, and not the F16 small preset", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alq-trainable-"));
    const f32 = await forgeModel({ out: join(dir, "small-f32.gguf"), preset: "small", f32: true });
    expect(f32.matrixType).toBe("f32");
    const base = await readTrainableBase(f32.path);
    expect(base.f32Tensors.map((t) => t.name)).toContain("blk.3.ffn_down.weight");
    expect(base).toMatchObject({ embeddingLength: 256, blockCount: 4, feedForwardLength: 768 });
    // 16 bytes a parameter (weights, gradients, AdamW moments) are the floor of the estimate.
    expect(estimateTrainingBytes(base, 256)).toBeGreaterThan(base.parameterCount * 16);

    const f16 = await forgeModel({ out: join(dir, "small.gguf"), preset: "small" });
    const refused = await readTrainableBase(f16.path).catch((error: unknown) => error);
    expect(TrainingError.isInstance(refused) && refused.reason).toBe("base_not_trainable");
    expect((refused as TrainingError).hint).toMatch(/--f32/);
  });
});

describe("training windows", () => {
  it("are the context rounded up to 256, cut from the joined conversations with labels one token on", () => {
    expect([1, 256, 257, 600].map(windowLength)).toEqual([256, 256, 512, 768]);
    const seqs = [
      Int32Array.from({ length: 300 }, (_, i) => i),
      Int32Array.from({ length: 300 }, (_, i) => 300 + i),
    ];
    const packed = packWindows(seqs, 256, 128);
    expect(packed).toMatchObject({ count: 3, tokens: 600 });
    expect(packed.windows.length).toBe(3 * 257);
    expect(Array.from(packed.windows.subarray(257, 260))).toEqual([128, 129, 130]);
    expect(packWindows([Int32Array.of(1, 2, 3)], 256).count).toBe(0);
  });
});
