import { open } from "node:fs/promises";
import type { ModelRecord } from "../../spec/store.js";
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
  return path === undefined ? undefined : ggufFileProblem(path);
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
