import type { ModelRecord } from "../../spec/store.js";
import { importedStudentSchema } from "../../spec/students.js";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";

export type ImportedStudentView = NonNullable<ReturnType<typeof importedStudentView>>;

/**
 * What `students show --json` prints for a student imported as a LoRA adapter
 * (`students import --adapter`): the keys of a trained student's view that
 * apply (`name`, `base`, `dataset` (null when not recorded), `engine`
 * "import", `license`, `metrics` all null, `file`: the adapter), and `adapter`.
 * Undefined for any other model.
 */
export function importedStudentView(model: ModelRecord) {
  const parsed = importedStudentSchema.safeParse(model.metadata.student);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  return {
    name: model.name,
    base: p.base.name,
    dataset: p.dataset,
    engine: p.engine,
    license: model.licenseId,
    licenseDetails: p.license,
    metrics: { validationLoss: null, baseValidationLoss: null },
    file: p.adapter.file,
    baseFile: p.base.file,
    adapter: p.adapter,
    sha256: p.adapter.sha256,
    importedFrom: p.importedFrom,
    importedAt: p.importedAt,
  };
}

export function printImportedStudent(context: CliContext, s: ImportedStudentView): void {
  const l = s.licenseDetails;
  const a = s.adapter;
  context.io.out(
    formatTable([
      ["student", `${s.name} (a LoRA adapter on its base)`],
      ["base", `${s.base} (${s.baseFile})`],
      [
        "dataset",
        s.dataset
          ? `${s.dataset.name}@${s.dataset.version} (sha256 ${s.dataset.sha256 ?? "unknown"})`
          : "not recorded",
      ],
      ["adapter", `LoRA rank ${a.rank}, alpha ${a.alpha ?? "none"}, ${a.tensors} matrices, scale ${a.scale}`],
      ["licence", `${s.license ?? "unknown"} (the base's)${l.url ? ` ${l.url}` : ""}`],
      ...l.conditions.map((c) => ["condition", c]),
      ...(l.attribution.length > 0 ? [["attribution", l.attribution.join("; ")]] : []),
      ...(l.override ? [["licence override", `--allow-license ${l.override}`]] : []),
      ["imported", `${s.importedAt} from ${s.importedFrom}`],
      ["file", s.file],
      ["sha256", s.sha256],
    ]),
  );
}
