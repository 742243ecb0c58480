import { copyFile, mkdir, rename, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { NotFoundError, UsageError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { importedStudentSchema, studentProvenanceSchema } from "../../spec/students.js";
import { importedModelCard } from "./adapter/imported-model-card.js";
import { adapterPath } from "./adapter-path.js";
import { modelCard } from "./model-card.js";
import { ollamaModelfile } from "./ollama-modelfile.js";

export type ExportFormat = "gguf" | "ollama";

/**
 * Writes a student into `outDir`: `NAME.gguf` (an adapter student:
 * `NAME.lora.gguf`, its adapter, the base staying where it is), `README.md`
 * (the model card) and, for `ollama`, a `Modelfile` (`ollama create NAME -f
 * DIR/Modelfile`; `FROM` the base and `ADAPTER` for an adapter student).
 * Each file is written under a temporary name and renamed, so a file in
 * `outDir` is whole. Refuses to overwrite an existing one.
 *
 * Throws NotFoundError (no such student, its file gone) and UsageError (a
 * file would be overwritten).
 */
export async function exportStudent(
  store: Store,
  name: string,
  outDir: string,
  format: ExportFormat,
): Promise<{ files: string[] }> {
  const model = await store.models.get(name);
  const trained = model && studentProvenanceSchema.safeParse(model.metadata.student);
  const imported = model && importedStudentSchema.safeParse(model.metadata.student);
  if (!model || !(trained?.success || imported?.success)) {
    throw new NotFoundError("student", name, "`alambique students list` shows the students");
  }
  const p = trained?.success ? trained.data : imported!.data!;
  // An adapter student exports its adapter; the base stays where it is (the Modelfile names it).
  const adapter = p.adapter;
  const source = adapter?.file ?? model.source.replace(/^gguf:/, "");
  if (!(await stat(source).catch(() => undefined))) {
    throw new NotFoundError(
      "student file",
      source,
      "the student's GGUF was moved or deleted; train it again",
    );
  }
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const gguf = adapter ? adapterPath(`${name}.gguf`) : `${name}.gguf`;
  const targets = [gguf, "README.md", ...(format === "ollama" ? ["Modelfile"] : [])].map((f) => join(dir, f));
  for (const target of targets) {
    if (await stat(target).catch(() => undefined)) {
      throw new UsageError(`${target} already exists`, "export into an empty folder, or remove the file");
    }
  }
  const openness = { weights: model.weightsOpenness, data: model.dataOpenness, code: model.codeOpenness };
  /** `content` null: a copy of the student's GGUF. */
  const write = async (target: string, content: string | null) => {
    const temp = join(dir, `.${basename(target)}.${process.pid}.tmp`);
    if (content === null) await copyFile(source, temp);
    else await writeFile(temp, content);
    await rename(temp, target);
  };
  await write(join(dir, gguf), null);
  await write(
    join(dir, "README.md"),
    p.engine === "import"
      ? importedModelCard({ name, file: gguf, provenance: p, openness })
      : modelCard({ name, file: gguf, provenance: p, openness }),
  );
  if (format === "ollama") {
    const templateFrom = adapter ? p.base.file : source;
    const info = await readGgufFileInfo(templateFrom, { readTensorInfo: false, logWarnings: false });
    const template = (info.metadata as { tokenizer?: { chat_template?: unknown } }).tokenizer?.chat_template;
    const license = [
      `${name}: licence ${p.license.id ?? "unknown"} (inherited from ${p.base.name})${p.license.url ? `, ${p.license.url}` : ""}`,
      ...p.license.conditions,
      ...p.license.attribution,
    ].join("\n");
    await write(
      join(dir, "Modelfile"),
      ollamaModelfile({
        ggufFile: gguf,
        baseFile: adapter ? p.base.file : undefined,
        chatTemplate: typeof template === "string" ? template : "",
        license,
      }),
    );
  }
  return { files: targets };
}
