/**
 * A ready TRL script (`python trl_sft.py`) for a LoRA or QLoRA (`QLORA=1`)
 * fine-tune of the job's base, written into the job folder. It reads
 * everything from `job.json` at run time (nothing from the job is spliced
 * into the code), appends the progress lines Alambique follows (`base`,
 * `progress` at each logged step, `epoch` after each evaluation), merges the
 * adapter into the base and converts the result with llama.cpp's
 * `convert_hf_to_gguf.py` (`LLAMA_CPP` names a llama.cpp checkout) into
 * `output.model` (with `ADAPTER_ONLY=1`, converts the LoRA unmerged with
 * `convert_lora_to_gguf.py` into `output.adapter` instead). `BASE_MODEL`
 * overrides the base's Hugging Face repo.
 *
 * Needs: torch, transformers, datasets, peft, trl (>= 0.20), bitsandbytes for
 * QLoRA, and llama.cpp's requirements for the conversion.
 */
export const TRL_SFT_SCRIPT = `#!/usr/bin/env python3
"""LoRA/QLoRA SFT of an Alambique student with TRL; written by Alambique, edit freely."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
from datasets import load_dataset
from peft import LoraConfig, PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig, TrainerCallback
from trl import SFTConfig, SFTTrainer

job_dir = Path(os.environ.get("ALAMBIQUE_TRAINING_JOB") or Path(__file__).resolve().parent)
job = json.loads((job_dir / "job.json").read_text())
h = job["hyperparameters"]
base = os.environ.get("BASE_MODEL") or job["base"]["huggingFace"]
if not base:
    sys.exit("set BASE_MODEL to the base's Hugging Face repo or a local Hugging Face folder")
qlora = os.environ.get("QLORA") == "1"
llama_cpp = os.environ.get("LLAMA_CPP")
if not llama_cpp:
    sys.exit("set LLAMA_CPP to a llama.cpp checkout (for convert_hf_to_gguf.py)")


def report(line):
    with open(job["progress"], "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\\n")


class AlambiqueProgress(TrainerCallback):
    """Appends Alambique's progress lines: a step's loss and tokens/s, each epoch's losses."""

    def __init__(self):
        self.train_loss = None
        self.tokens = None
        self.at = time.time()

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if "loss" not in logs or not state.max_steps:
            return
        self.train_loss = logs["loss"]
        steps = max(1, round(state.max_steps / h["epochs"]))
        epoch = min(h["epochs"], state.global_step // steps + 1)
        line = {"type": "progress", "epoch": epoch, "step": state.global_step - (epoch - 1) * steps,
                "steps": steps, "loss": logs["loss"]}
        now = time.time()
        if "num_tokens" in logs:
            if self.tokens is not None and now > self.at:
                line["tokensPerSecond"] = (logs["num_tokens"] - self.tokens) / (now - self.at)
            self.tokens = logs["num_tokens"]
        self.at = now
        report(line)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if metrics and "eval_loss" in metrics and self.train_loss is not None:
            report({"type": "epoch", "epoch": max(1, round(state.epoch or 1)),
                    "trainLoss": self.train_loss, "validationLoss": metrics["eval_loss"]})


tokenizer = AutoTokenizer.from_pretrained(base)
quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                  bnb_4bit_compute_dtype=torch.bfloat16) if qlora else None
model = AutoModelForCausalLM.from_pretrained(base, quantization_config=quantization, torch_dtype="auto")
data = load_dataset("json", data_files={"train": job["train"], "validation": job["validation"]})
config = SFTConfig(
    output_dir=str(job_dir / "trl-out"),
    num_train_epochs=h["epochs"],
    learning_rate=h["learningRate"],
    lr_scheduler_type="constant",
    optim="adamw_torch",
    max_length=h["contextLength"],
    per_device_train_batch_size=1,
    gradient_accumulation_steps=4,
    eval_strategy="epoch",
    logging_steps=1,
    save_strategy="epoch",
    report_to="none",
    # Loss on the assistant's turns needs a chat template with {% generation %} markers (TRL's rule).
    assistant_only_loss=h["lossOn"] == "assistant" and os.environ.get("ASSISTANT_ONLY") == "1",
)
lora = LoraConfig(r=job["lora"]["r"], lora_alpha=job["lora"]["alpha"], lora_dropout=job["lora"]["dropout"],
                  target_modules="all-linear", task_type="CAUSAL_LM")
trainer = SFTTrainer(model=model, args=config, train_dataset=data["train"], eval_dataset=data["validation"],
                     processing_class=tokenizer, peft_config=lora, callbacks=[AlambiqueProgress()])
report({"type": "base", "validationLoss": trainer.evaluate()["eval_loss"]})
trainer.train()

adapter = job_dir / "trl-out" / "adapter"
trainer.save_model(str(adapter))
if os.environ.get("ADAPTER_ONLY") == "1":
    # Leave the LoRA unmerged, as a GGUF adapter: Alambique serves it on the base (output.adapter).
    where = ["--base", base] if Path(base).is_dir() else ["--base-model-id", base]
    subprocess.run([sys.executable, str(Path(llama_cpp) / "convert_lora_to_gguf.py"), str(adapter), *where,
                    "--outfile", job["output"]["adapter"]], check=True)
    sys.exit(0)
# Merge into full-precision weights (a 4-bit base cannot be merged into exactly), then convert to GGUF.
merged_dir = job_dir / "trl-out" / "merged"
full = AutoModelForCausalLM.from_pretrained(base, torch_dtype=torch.bfloat16)
PeftModel.from_pretrained(full, str(adapter)).merge_and_unload().save_pretrained(str(merged_dir))
tokenizer.save_pretrained(str(merged_dir))
subprocess.run([sys.executable, str(Path(llama_cpp) / "convert_hf_to_gguf.py"), str(merged_dir),
                "--outfile", job["output"]["model"], "--outtype", os.environ.get("OUTTYPE", "f16")], check=True)
`;
