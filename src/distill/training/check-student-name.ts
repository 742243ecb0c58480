import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { adapterPath } from "./sidecar/import-sidecar-output.js";

/**
 * Checks that `name` can be a new student's and returns where its file goes:
 * `modelsDir/students/NAME.gguf`, or `NAME.lora.gguf` for an adapter.
 *
 * Throws UsageError: not a model name, taken in the catalog, or the file exists.
 */
export async function checkStudentName(
  store: Store,
  modelsDir: string,
  name: string,
  kind: "model" | "adapter" = "model",
): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(name)) {
    throw new UsageError(`${name} is not a model name`, "use 1 to 64 letters, digits, '.', '_' or '-'");
  }
  if (await store.models.get(name)) {
    throw new UsageError(`the catalog already has a model named ${name}`, "choose another --name");
  }
  const model = resolve(modelsDir, "students", `${name}.gguf`);
  const out = kind === "adapter" ? adapterPath(model) : model;
  if (await stat(out).catch(() => undefined)) {
    throw new UsageError(`${out} already exists`, "choose another --name, or remove the file");
  }
  return out;
}
