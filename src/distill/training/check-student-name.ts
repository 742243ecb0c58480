import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { adapterPath } from "./adapter-path.js";

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
  assertModelName(name);
  const model = studentModelPath(modelsDir, name);
  const out = kind === "adapter" ? adapterPath(model) : model;
  const holder = await studentNameHolder(store, name, out);
  if (holder === "catalog") {
    throw new UsageError(`the catalog already has a model named ${name}`, "choose another --name");
  }
  if (holder === "file") {
    throw new UsageError(`${out} already exists`, "choose another --name, or remove the file");
  }
  return out;
}

/**
 * Why `name` cannot be a new student's (its model file, `studentModelPath`),
 * in words that follow "NAME is taken: ", or undefined when it is free.
 * `pending` maps the names that unfinished jobs are making to their job ids
 * (the distillation loop's own check); the name's form is not checked here.
 */
export async function studentNameTaken(
  store: Store,
  modelsDir: string,
  name: string,
  pending: ReadonlyMap<string, string> = new Map(),
): Promise<string | undefined> {
  const out = studentModelPath(modelsDir, name);
  const holder = await studentNameHolder(store, name, out);
  if (holder === "catalog") return "the catalog has a model of that name";
  if (holder === "file") return `${out} exists`;
  const job = pending.get(name);
  return job ? `the unfinished distillation job ${job} is making it` : undefined;
}

/** Throws UsageError unless `name` can name a model: 1 to 64 letters, digits, '.', '_' or '-'. */
export function assertModelName(name: string): void {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(name)) {
    throw new UsageError(`${name} is not a model name`, "use 1 to 64 letters, digits, '.', '_' or '-'");
  }
}

/** Where a student's GGUF goes: `modelsDir/students/NAME.gguf`. */
export function studentModelPath(modelsDir: string, name: string): string {
  return resolve(modelsDir, "students", `${name}.gguf`);
}

/** What holds `name` already: a catalog model, the file `out`, or nothing. */
async function studentNameHolder(
  store: Store,
  name: string,
  out: string,
): Promise<"catalog" | "file" | undefined> {
  if (await store.models.get(name)) return "catalog";
  if (await stat(out).catch(() => undefined)) return "file";
  return undefined;
}
