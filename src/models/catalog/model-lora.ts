import { z } from "zod";
import { AlambiqueError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";

/**
 * `metadata.lora` of a catalog record: LoRA adapters the embedded provider
 * applies to every call of the model (a student that is an adapter on its
 * base: the record's `source` is the base's GGUF). Absent on most models.
 */
export const modelLoraSchema = z.array(
  z.object({ path: z.string().min(1), scale: z.number().optional() }).strict(),
);
export type ModelLora = z.infer<typeof modelLoraSchema>;

/**
 * The record's adapters, or undefined when it has none. Throws AlambiqueError
 * `internal_error` when `metadata.lora` is not in shape: serving the bare base
 * in its stead would answer as another model.
 */
export function modelLora(record: Pick<ModelRecord, "name" | "metadata">): ModelLora | undefined {
  if (record.metadata.lora === undefined) return undefined;
  const parsed = modelLoraSchema.safeParse(record.metadata.lora);
  if (!parsed.success) {
    throw new AlambiqueError(`the catalog entry of ${record.name} has LoRA adapters not in shape`, {
      code: "internal_error",
      status: 500,
      hint: "remove the model and import or train it again",
    });
  }
  return parsed.data.length > 0 ? parsed.data : undefined;
}
