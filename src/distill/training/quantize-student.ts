import { randomBytes } from "node:crypto";
import { rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { hashFile } from "../../knowledge/hash-file.js";
import { runGgufTool } from "../../models/training/gguf-tool.js";
import type { StudentQuantization } from "../../models/training/llama-model-tools.js";
import type { StudentProvenance } from "../../spec/students.js";

/**
 * Quantizes the trained GGUF `from` into `out` with llama.cpp's own
 * `llama_model_quantize`, in a child process, then loads the result there
 * once (it must load, with its chat template). Written under a temporary name
 * beside `out` and renamed when whole: `out` is the quantized student or is
 * untouched. Returns what the provenance records.
 *
 * Throws TrainingError(quantize_failed, engine_mismatch).
 */
export async function quantizeStudent(
  from: string,
  out: string,
  type: StudentQuantization,
  threads: number,
): Promise<NonNullable<StudentProvenance["quantization"]>> {
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await runGgufTool({ op: "quantize", from, to: temp, type, threads }, "quantize_failed");
    const [before, after, sourceSha256] = await Promise.all([stat(from), stat(temp), hashFile(from)]);
    await rename(temp, out);
    return { type, bytesBefore: before.size, bytesAfter: after.size, sourceSha256 };
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
