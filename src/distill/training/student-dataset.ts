import type { ModelRecord } from "../../spec/store.js";
import { importedStudentSchema, studentProvenanceSchema } from "../../spec/students.js";

/**
 * The dataset a student was trained on, from its provenance: a trained
 * student's, or an imported adapter's when the import named it. Undefined for
 * a model that is no student, or an import that recorded none.
 */
export function studentDataset(
  model: Pick<ModelRecord, "metadata">,
): { name: string; version: number } | undefined {
  const trained = studentProvenanceSchema.safeParse(model.metadata.student);
  if (trained.success) return trained.data.dataset;
  const imported = importedStudentSchema.safeParse(model.metadata.student);
  return imported.success ? (imported.data.dataset ?? undefined) : undefined;
}
