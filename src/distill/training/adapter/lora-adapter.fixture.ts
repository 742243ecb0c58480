import { readGgufFileInfo } from "node-llama-cpp";
import { type GgufTensor, gguf, writeGguf } from "../../../models/forge/gguf-writer.js";
import { SeededNormal } from "../../../models/forge/seeded-normal.js";

export interface LoraFixtureOptions {
  rank?: number;
  /** Which of the base's 2-D weights get a pair. Default: the attention's q and output projections. */
  weights?: RegExp;
  /** Standard deviation of A's and B's values. Default 0.3: enough to move a tiny model's greedy output. */
  std?: number;
  seed?: number;
  /** Written as `general.architecture`; default the base's. */
  architecture?: string;
  /** A [out, r] and B [r, in]: the shape error llama.cpp names "maybe LoRA A/B are transposed". */
  transposed?: boolean;
}

/**
 * Test fixture: a GGUF LoRA adapter for the model `base` as llama.cpp's
 * convert_lora_to_gguf.py writes one (`general.type` adapter, `adapter.type`
 * lora, `adapter.lora.alpha` = rank, F32 pairs `W.lora_a` [in, r] and
 * `W.lora_b` [r, out] of seeded random normals), written with the forge's
 * GGUF writer to `out`. The base's sizes are read from its header, so it
 * fits any forged preset (or, with options, deliberately does not).
 */
export async function writeLoraAdapterFor(
  base: string,
  out: string,
  options: LoraFixtureOptions = {},
): Promise<string> {
  const info = await readGgufFileInfo(base, { logWarnings: false });
  const rank = options.rank ?? 4;
  const std = options.std ?? 0.3;
  const seed = options.seed ?? 7;
  const pick = options.weights ?? /^blk\.\d+\.attn_(q|output)\.weight$/;
  const random = (name: string, count: number) => () => {
    const normal = new SeededNormal(seed, name);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = normal.next() * std;
    return [values];
  };
  const tensors: GgufTensor[] = [];
  for (const t of info.tensorInfo ?? []) {
    if (!pick.test(t.name) || t.dimensions.length !== 2) continue;
    const [inSize, outSize] = t.dimensions.map(Number) as [number, number];
    // llama.cpp applies token_embd's pair to looked-up rows: A [r, vocab], B [r, embd].
    const fitting: number[][] =
      t.name === "token_embd.weight"
        ? [
            [rank, outSize],
            [rank, inSize],
          ]
        : [
            [inSize, rank],
            [rank, outSize],
          ];
    const [a, b] = options.transposed
      ? [
          [fitting[0]![1]!, fitting[0]![0]!],
          [fitting[1]![1]!, fitting[1]![0]!],
        ]
      : (fitting as [number[], number[]]);
    tensors.push(
      { name: `${t.name}.lora_a`, dims: a, type: "f32", chunks: random(`${t.name}.lora_a`, a[0]! * a[1]!) },
      { name: `${t.name}.lora_b`, dims: b, type: "f32", chunks: random(`${t.name}.lora_b`, b[0]! * b[1]!) },
    );
  }
  const general = info.metadata.general as { architecture: string };
  await writeGguf(out, {
    metadata: [
      ["general.architecture", gguf.str(options.architecture ?? general.architecture)],
      ["general.type", gguf.str("adapter")],
      ["general.name", gguf.str("alambique test LoRA")],
      ["adapter.type", gguf.str("lora")],
      ["adapter.lora.alpha", gguf.f32(rank)],
    ],
    tensors,
  });
  return out;
}
