import { statSync } from "node:fs";
import type { GgufFileInfo } from "node-llama-cpp";

/**
 * Bytes a decoder reads from memory to generate one token: every weight
 * tensor once (the token embedding only one row: a lookup), plus the KV cache
 * of the tokens before it (K and V, F16, every layer). A single-sequence
 * decode on a CPU cannot go faster than memory bandwidth / these bytes.
 *
 * Tensor sizes are the distances between tensor data offsets in the file (the
 * last one runs to the end of the file), so every quantization type counts at
 * its real size, alignment padding included (a few bytes per tensor).
 */
export function bytesPerToken(
  fileInfo: GgufFileInfo,
  path: string,
  depth: number,
): { weights: number; kvCache: number } {
  const tensors = [...(fileInfo.fullTensorInfo ?? fileInfo.tensorInfo ?? [])].sort((a, b) =>
    Number(a.fileOffset) < Number(b.fileOffset) ? -1 : 1,
  );
  if (tensors.length === 0) throw new Error(`${path}: the GGUF lists no tensors`);
  const fileSize = statSync(path).size;
  let weights = 0;
  tensors.forEach((tensor, i) => {
    const end = i + 1 < tensors.length ? Number(tensors[i + 1]!.fileOffset) : fileSize;
    const size = end - Number(tensor.fileOffset);
    const rows = Number(tensor.dimensions[1] ?? 1);
    weights += tensor.name === "token_embd.weight" ? size / rows : size;
  });
  const meta = fileInfo.architectureMetadata as {
    block_count?: number;
    embedding_length?: number;
    attention?: { head_count?: number; head_count_kv?: number };
  };
  const layers = meta.block_count ?? 0;
  const embd = meta.embedding_length ?? 0;
  const heads = meta.attention?.head_count ?? 1;
  const kvHeads = meta.attention?.head_count_kv ?? heads;
  const kvCache = layers * depth * (embd / heads) * kvHeads * 2 * 2;
  return { weights, kvCache };
}
