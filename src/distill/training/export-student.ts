import { copyFile, mkdir, rename, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { NotFoundError, UsageError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { studentProvenanceSchema } from "../../spec/students.js";
import { modelCard } from "./model-card.js";
import { ollamaModelfile } from "./ollama-modelfile.js";

export type ExportFormat = "gguf" | "ollama";

/**
 * Writes a student into `outDir`: `NAME.gguf`, `README.md` (the model card)
 * and, for `ollama`, a `Modelfile` (`ollama create NAME -f DIR/Modelfile`).
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
  const provenance = model && studentProvenanceSchema.safeParse(model.metadata.student);
  if (!model || !provenance?.success) {
    throw new NotFoundError("student", name, "`alambique students list` shows the students");
  }
  const source = model.source.replace(/^gguf:/, "");
  if (!(await stat(source).catch(() => undefined))) {
    throw new NotFoundError(
      "student file",
      source,
      "the student's GGUF was moved or deleted; train it again",
    );
  }
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const gguf = `${name}.gguf`;
  const targets = [gguf, "README.md", ...(format === "ollama" ? ["Modelfile"] : [])].map((f) => join(dir, f));
  for (const target of targets) {
    if (await stat(target).catch(() => undefined)) {
      throw new UsageError(`${target} already exists`, "export into an empty folder, or remove the file");
    }
  }
  const p = provenance.data;
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
    modelCard({
      name,
      file: gguf,
      provenance: p,
      openness: { weights: model.weightsOpenness, data: model.dataOpenness, code: model.codeOpenness },
    }),
  );
  if (format === "ollama") {
    const info = await readGgufFileInfo(source, { readTensorInfo: false, logWarnings: false });
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
        chatTemplate: typeof template === "string" ? template : "",
        license,
      }),
    );
  }
  return { files: targets };
}
