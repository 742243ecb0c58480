import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORGE_PRESETS } from "../forge/forge-presets.js";
import { type GgufTensor, gguf, writeGguf } from "../forge/gguf-writer.js";

/**
 * Test fixture: a LoRA adapter GGUF for the forge's `tiny` preset, in the form
 * llama.cpp's adapter loader reads: `general.type = adapter`,
 * `adapter.type = lora`, `adapter.lora.alpha`, and for each adapted weight W
 * (ne = [in, out]) a pair `W.lora_a` (ne = [in, rank]) and `W.lora_b`
 * (ne = [rank, out]), so that W' = W + scale * alpha / rank * B·A.
 *
 * The values are deterministic and large enough to change the tiny model's
 * greedy output. Returns the file's path (a fresh temporary directory).
 */
export async function writeTinyLoraAdapter(
  options: { rank?: number; layers?: number[] } = {},
): Promise<string> {
  const preset = FORGE_PRESETS.tiny;
  const rank = options.rank ?? 4;
  const embd = preset.embeddingLength;
  const wave = (name: string, count: number, amplitude: number) => () => {
    const values = new Float32Array(count);
    let phase = name.length;
    for (let i = 0; i < count; i++) values[i] = amplitude * Math.sin(++phase * 0.7 + i * 1.3);
    return [values];
  };
  const tensors: GgufTensor[] = [];
  for (const layer of options.layers ?? [0, 1]) {
    for (const weight of ["attn_q", "attn_output"]) {
      const base = `blk.${layer}.${weight}.weight`;
      tensors.push(
        {
          name: `${base}.lora_a`,
          dims: [embd, rank],
          type: "f32",
          chunks: wave(`${base}a`, embd * rank, 0.5),
        },
        {
          name: `${base}.lora_b`,
          dims: [rank, embd],
          type: "f32",
          chunks: wave(`${base}b`, rank * embd, 0.5),
        },
      );
    }
  }
  const path = join(await mkdtemp(join(tmpdir(), "alambique-lora-")), "tiny-lora.gguf");
  await writeGguf(path, {
    metadata: [
      ["general.architecture", gguf.str("llama")],
      ["general.type", gguf.str("adapter")],
      ["general.name", gguf.str("alambique test adapter")],
      ["adapter.type", gguf.str("lora")],
      ["adapter.lora.alpha", gguf.f32(rank)],
    ],
    tensors,
  });
  return path;
}
