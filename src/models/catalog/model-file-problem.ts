import { open } from "node:fs/promises";
import type { ModelRecord } from "../../spec/store.js";
import { modelLoraSchema } from "./model-lora.js";
import { parseModelSource } from "./model-source.js";

/**
 * What is wrong with a catalog model's local file, or undefined when it opens
 * and starts with the GGUF magic (nothing is loaded) or the model is remote
 * or not downloaded yet. The problem never names the path: `/readyz` is public
 * (`alambique doctor` names it).
 */
export async function modelFileProblem(
  record: Pick<ModelRecord, "source" | "metadata">,
): Promise<string | undefined> {
  let path: string | undefined;
  try {
    const source = parseModelSource(record.source);
    if (source.kind === "gguf") path = source.path;
    else if (source.kind === "hf" && typeof record.metadata.localPath === "string")
      path = record.metadata.localPath;
  } catch {
    return "its source is not valid";
  }
  if (path === undefined) return undefined;
  return (await ggufFileProblem(path)) ?? adapterFileProblem(record);
}

/**
 * What is wrong with the LoRA adapter files a student applies to its base
 * (`metadata.lora`), or undefined: a missing adapter would otherwise serve
 * the bare base under the student's name.
 */
export async function adapterFileProblem(record: Pick<ModelRecord, "metadata">): Promise<string | undefined> {
  if (record.metadata.lora === undefined) return undefined;
  const parsed = modelLoraSchema.safeParse(record.metadata.lora);
  if (!parsed.success) return "its LoRA adapters are not recorded in shape";
  for (const adapter of parsed.data) {
    const problem = await ggufFileProblem(adapter.path);
    if (problem) return problem.replace("its model file", "its LoRA adapter file");
  }
  return undefined;
}

/** Undefined when the file opens and starts with the GGUF magic; else what is wrong, without the path. */
export async function ggufFileProblem(path: string): Promise<string | undefined> {
  try {
    const file = await open(path, "r");
    try {
      const { bytesRead, buffer } = await file.read(Buffer.alloc(4), 0, 4, 0);
      if (bytesRead < 4 || buffer.toString("latin1") !== "GGUF") return "its model file is not a GGUF file";
      return undefined;
    } finally {
      await file.close();
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === "ENOENT"
      ? "its model file does not exist"
      : `its model file cannot be read (${String(code)})`;
  }
}

/**
 * What keeps the model named `name` from being opened here: not in `catalog`
 * (and not a `.gguf` path), or its file's problem (see `modelFileProblem`).
 */
export async function namedModelProblem(
  catalog: readonly Pick<ModelRecord, "name" | "source" | "metadata">[],
  name: string,
): Promise<string | undefined> {
  const record = catalog.find((m) => m.name === name);
  if (record) return modelFileProblem(record);
  return name.toLowerCase().endsWith(".gguf") ? ggufFileProblem(name) : "it is not in the catalog";
}
