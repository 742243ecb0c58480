import { TrainingError } from "../../spec/students.js";

/** What training needs to know about a base GGUF, read from its header (no weights loaded). */
export interface TrainableBase {
  path: string;
  parameterCount: number;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  vocabularySize: number;
  /** The F32 tensors (the ones llama.cpp's trainer updates): where their bytes are in the file. */
  f32Tensors: { name: string; fileOffset: number; bytes: number }[];
}

const GGML_TYPE_F32 = 0;

/**
 * Reads `path`'s GGUF header and checks that llama.cpp's trainer can train it:
 * every weight matrix but the token embedding (which upstream never trains)
 * is F32, and it has a chat template (students are chat models, rendered with
 * it). Throws TrainingError(base_not_trainable | base_no_chat_template), each
 * saying how to get a base that trains.
 */
export async function readTrainableBase(path: string): Promise<TrainableBase> {
  // node-llama-cpp loads on first use: this runs from serve's distill route (src/cli/serve/serve-imports.test.ts).
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
  const frozen = tensors.filter(
    (t) => t.dimensions.length >= 2 && t.name !== "token_embd.weight" && t.ggmlType !== GGML_TYPE_F32,
  );
  if (frozen.length > 0) {
    throw new TrainingError(
      "base_not_trainable",
      `${path} has ${frozen.length} weight matrices that are not F32 (e.g. ${frozen[0]!.name}); llama.cpp's trainer only updates F32 tensors`,
      {
        hint:
          "Use an F32 base: `alambique models forge --f32` for a test model, or convert a real one with llama.cpp's " +
          "convert_hf_to_gguf.py --outtype f32 (a quantized or F16 GGUF cannot be trained).",
      },
    );
  }
  const template = (info.metadata as { tokenizer?: { chat_template?: unknown } }).tokenizer?.chat_template;
  if (typeof template !== "string" || template.trim() === "") {
    throw new TrainingError(
      "base_no_chat_template",
      `${path} has no chat template (tokenizer.chat_template)`,
      {
        hint: "Choose an instruct/chat base model: the student is trained on conversations rendered with the base's own template.",
      },
    );
  }
  const architecture = String(info.metadata.general?.architecture ?? "");
  const arch = (info.metadata as Record<string, Record<string, unknown> | undefined>)[architecture] ?? {};
  const num = (value: unknown) => (typeof value === "number" ? value : 0);
  const elements = (dims: readonly (number | bigint)[]) => dims.reduce<number>((n, d) => n * Number(d), 1);
  return {
    path,
    parameterCount: tensors.reduce((n, t) => n + elements(t.dimensions), 0),
    embeddingLength: num(arch.embedding_length),
    blockCount: num(arch.block_count),
    feedForwardLength: num(arch.feed_forward_length),
    vocabularySize:
      (info.metadata as { tokenizer?: { ggml?: { tokens?: readonly unknown[] } } }).tokenizer?.ggml?.tokens
        ?.length ?? 0,
    f32Tensors: tensors
      .filter((t) => t.ggmlType === GGML_TYPE_F32)
      .map((t) => ({ name: t.name, fileOffset: Number(t.fileOffset), bytes: elements(t.dimensions) * 4 })),
  };
}

/**
 * Bytes training `base` with windows of `contextLength` tokens needs, roughly:
 * weights, gradients and AdamW's two moments (4 × 4 bytes a parameter), the
 * activations kept for the backward pass (per layer and token about 16
 * embedding-sized and 4 feed-forward-sized F32 rows, plus 3 vocabulary-sized
 * rows for logits, softmax and their gradient), and 64 MiB of fixed cost.
 */
export function estimateTrainingBytes(base: TrainableBase, contextLength: number): number {
  const perToken =
    base.blockCount * (16 * base.embeddingLength + 4 * base.feedForwardLength) + 3 * base.vocabularySize;
  return base.parameterCount * 16 + contextLength * perToken * 4 + 64 * 2 ** 20;
}
