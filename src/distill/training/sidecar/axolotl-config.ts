import { stringify } from "yaml";
import type { SidecarJob } from "./sidecar-job.js";

/**
 * A ready Axolotl config (`axolotl train axolotl.yaml`) for a LoRA, or with
 * `QLORA=1`-style edits a QLoRA, fine-tune on the job's data: the `chat_template`
 * dataset type over OpenAI `messages`, the tokenizer's own template, loss on
 * the assistant's turns when the job asks for it, the validation split as
 * `test_datasets`, the job's epochs, learning rate and sequence length.
 * Written with a YAML serializer: names and paths are data, never spliced
 * into text.
 *
 * Axolotl writes a PEFT adapter to `output_dir`; the README says how to merge
 * it and turn it into the GGUF `output.model` names (llama.cpp's
 * `convert_hf_to_gguf.py`), and how to append progress lines.
 */
export function axolotlConfig(job: SidecarJob, outputDir: string): string {
  const h = job.hyperparameters;
  const dataset = (path: string) => ({
    path,
    ds_type: "json",
    split: "train",
    type: "chat_template",
    field_messages: "messages",
    ...(h.lossOn === "assistant" ? { roles_to_train: ["assistant"], train_on_eos: "turn" } : {}),
  });
  const config = {
    base_model: job.base.huggingFace ?? "SET-ME/the-base-model-on-hugging-face",
    chat_template: "tokenizer_default",
    adapter: "lora",
    load_in_8bit: false,
    load_in_4bit: false,
    lora_r: job.lora.r,
    lora_alpha: job.lora.alpha,
    lora_dropout: job.lora.dropout,
    lora_target_linear: true,
    datasets: [dataset(job.train)],
    test_datasets: [dataset(job.validation)],
    sequence_len: h.contextLength,
    sample_packing: false,
    num_epochs: h.epochs,
    learning_rate: h.learningRate,
    optimizer: "adamw_torch",
    lr_scheduler: "constant",
    micro_batch_size: 1,
    gradient_accumulation_steps: 4,
    eval_strategy: "epoch",
    logging_steps: 1,
    bf16: "auto",
    output_dir: outputDir,
  };
  return (
    `# Axolotl config written by Alambique for the student ${JSON.stringify(job.name)}.\n` +
    "# LoRA as written; for QLoRA set adapter: qlora and load_in_4bit: true.\n" +
    (job.base.huggingFace === null
      ? "# base_model: set the base's Hugging Face repo (or a local HF folder); a GGUF cannot be trained here.\n"
      : "") +
    stringify(config)
  );
}
