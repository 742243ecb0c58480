import { stat } from "node:fs/promises";
import { type GgufInspection, runGgufTool } from "../../../models/training/gguf-tool.js";
import { placeFile } from "../../../models/training/place-file.js";
import { TrainingError } from "../../../spec/students.js";

/**
 * Takes the GGUF a trainer sidecar left at `model` into the catalog's folder
 * as `out`, once it is checked like any model added to the catalog: llama.cpp
 * loads it (in a child process) and it carries a chat template (a student is
 * a chat model). Placed atomically; nothing is at `out` when a check fails.
 *
 * Throws TrainingError(command_no_output) saying what was missing and how to
 * produce it.
 */
export async function importSidecarOutput(model: string, out: string): Promise<GgufInspection> {
  const file = await stat(model).catch(() => undefined);
  if (!file?.isFile() || file.size === 0) {
    throw new TrainingError(
      "command_no_output",
      `the trainer command succeeded but left no model at ${model}`,
      {
        hint: "Write the trained model as one GGUF at output.model of job.json (llama.cpp's convert_hf_to_gguf.py --outfile; for a LoRA, merge it into the base first).",
      },
    );
  }
  const inspected = await runGgufTool({ op: "inspect", path: model }, "command_no_output");
  if (inspected.chatTemplate === null || inspected.chatTemplate.trim() === "") {
    throw new TrainingError(
      "command_no_output",
      `the trainer command's model ${model} has no chat template`,
      {
        hint: "Convert from a folder whose tokenizer_config.json has the chat template (convert_hf_to_gguf.py copies it), e.g. after tokenizer.save_pretrained().",
      },
    );
  }
  await placeFile(model, out);
  return inspected;
}
