import { randomBytes } from "node:crypto";
import { copyFile, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { TrainingError } from "../../spec/students.js";
import type { TrainableBase } from "./trainable-base.js";

/**
 * Writes `out`: a copy of the base GGUF with the bytes of its F32 tensors
 * replaced by those of the same tensors in `trained` (what
 * `llama_model_save_to_file` wrote). The base's metadata stays: its chat
 * template, `general.*` keys and context length, which the saved file loses or
 * changes.
 *
 * The copy is made under a temporary name beside `out`, flushed to disk, and
 * renamed into place only when whole; on any failure the temporary file is
 * removed and `out` is untouched. Throws TrainingError(engine_failed) when a
 * tensor is missing or changed shape in `trained`.
 */
export async function transplantTensors(base: TrainableBase, trained: string, out: string): Promise<void> {
  const info = await readGgufFileInfo(trained, { readTensorInfo: true, logWarnings: false });
  const byName = new Map((info.fullTensorInfo ?? info.tensorInfo ?? []).map((t) => [t.name, t]));
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  await copyFile(base.path, temp);
  try {
    const target = await open(temp, "r+");
    const source = await open(trained, "r");
    try {
      for (const tensor of base.f32Tensors) {
        const saved = byName.get(tensor.name);
        const bytes = saved ? saved.dimensions.reduce<number>((n, d) => n * Number(d), 4) : -1;
        if (saved?.ggmlType !== 0 || bytes !== tensor.bytes) {
          throw new TrainingError(
            "engine_failed",
            `the trained model's tensor ${tensor.name} does not match the base's`,
          );
        }
        const buffer = Buffer.allocUnsafe(tensor.bytes);
        await source.read(buffer, 0, tensor.bytes, Number(saved.fileOffset));
        await target.write(buffer, 0, tensor.bytes, tensor.fileOffset);
      }
      await target.sync();
    } finally {
      await target.close();
      await source.close();
    }
    await rename(temp, out);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
