import { stat } from "node:fs/promises";
import { runGgufTool } from "../../../models/training/gguf-tool.js";
import { placeFile } from "../../../models/training/place-file.js";
import { TrainingError } from "../../../spec/students.js";
import { checkLoraAdapter, type LoraAdapterFacts } from "../adapter/check-lora-adapter.js";
import { adapterPath } from "../adapter-path.js";
import type { SidecarJob } from "./sidecar-job.js";

/** What a trainer sidecar left, checked: a whole model, or a LoRA adapter for the base. */
export type SidecarOutput =
  | { kind: "model"; path: string; parameters: number }
  | { kind: "adapter"; path: string; facts: LoraAdapterFacts };

/**
 * Checks what the sidecar left in its job folder like any model added to the
 * catalog: `output.model`, a GGUF that llama.cpp loads (in a child process)
 * with a chat template (a student is a chat model); or, when there is none,
 * `output.adapter`, a GGUF LoRA adapter that fits `base` (`checkLoraAdapter`).
 *
 * Throws TrainingError(command_no_output) saying what was missing or wrong
 * and how to produce it.
 */
export async function checkSidecarOutput(output: SidecarJob["output"], base: string): Promise<SidecarOutput> {
  if (await isFile(output.model)) {
    const inspected = await runGgufTool({ op: "inspect", path: output.model }, "command_no_output");
    if (inspected.chatTemplate === null || inspected.chatTemplate.trim() === "") {
      throw new TrainingError(
        "command_no_output",
        `the trainer command's model ${output.model} has no chat template`,
        {
          hint: "Convert from a folder whose tokenizer_config.json has the chat template (convert_hf_to_gguf.py copies it), e.g. after tokenizer.save_pretrained().",
        },
      );
    }
    return { kind: "model", path: output.model, parameters: inspected.parameters };
  }
  if (await isFile(output.adapter)) {
    try {
      return { kind: "adapter", path: output.adapter, facts: await checkLoraAdapter(output.adapter, base) };
    } catch (error) {
      if (!TrainingError.isInstance(error)) throw error;
      throw new TrainingError("command_no_output", `the trainer command's adapter: ${error.message}`, {
        hint: error.hint ?? "Convert the PEFT adapter with convert_lora_to_gguf.py --base the base's folder.",
        cause: error,
      });
    }
  }
  throw new TrainingError(
    "command_no_output",
    `the trainer command succeeded but left no model at ${output.model} (nor a LoRA adapter at ${output.adapter})`,
    {
      hint: "Write the trained model as one GGUF at output.model of job.json (llama.cpp's convert_hf_to_gguf.py --outfile), or a LoRA adapter at output.adapter (convert_lora_to_gguf.py --outfile).",
    },
  );
}

/**
 * Moves a checked output into the catalog's folder, atomically: a model to
 * `out`, an adapter to `out` with `.lora.gguf` for `.gguf`. Returns where.
 */
export async function placeSidecarOutput(checked: SidecarOutput, out: string): Promise<string> {
  const target = checked.kind === "adapter" ? adapterPath(out) : out;
  await placeFile(checked.path, target);
  return target;
}

async function isFile(path: string): Promise<boolean> {
  const file = await stat(path).catch(() => undefined);
  return file?.isFile() === true && file.size > 0;
}
