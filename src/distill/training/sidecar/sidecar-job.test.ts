import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bakeryConversations } from "../../../models/training/bakery-conversations.fixture.js";
import { TrainingError } from "../../../spec/students.js";
import { runSidecarCommand } from "./run-sidecar-command.js";
import { type SidecarProgressLine, sidecarJobSchema } from "./sidecar-job.js";
import { writeSidecarJob } from "./write-sidecar-job.js";

/** A name that would be shell, YAML and Python syntax if it were ever spliced into text. */
const HOSTILE = `espiga"; rm -rf / #\n$(touch pwned) '\`x\`: {a: b}`;

const conversations = bakeryConversations().map((c) => c.messages);
const hyperparameters = {
  epochs: 2,
  learningRate: 3e-4,
  contextLength: 512,
  threads: 1,
  optimizer: "adamw" as const,
  lossOn: "assistant" as const,
};

async function jobFolder() {
  const dir = mkdtempSync(join(tmpdir(), "alq-sidecar-"));
  const job = await writeSidecarJob(dir, {
    name: HOSTILE,
    base: { name: HOSTILE, gguf: "/models/base.gguf", huggingFace: "Qwen/Qwen2.5-0.5B-Instruct" },
    dataset: { name: HOSTILE, version: 3, sha256: "ab".repeat(32) },
    train: conversations.slice(0, 8),
    validation: conversations.slice(8, 10),
    hyperparameters,
  });
  return { dir, job };
}

describe("the trainer sidecar's job folder", () => {
  it("holds the splits as OpenAI chat JSONL, a job.json, and configs Axolotl and TRL read as data", async () => {
    const { dir, job } = await jobFolder();
    expect(sidecarJobSchema.parse(JSON.parse(readFileSync(join(dir, "job.json"), "utf8")))).toEqual(job);
    const rows = readFileSync(job.train, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toEqual(conversations.slice(0, 8).map((messages) => ({ messages })));
    expect(readFileSync(job.validation, "utf8").trimEnd().split("\n")).toHaveLength(2);
    expect(readFileSync(job.progress, "utf8")).toBe("");
    expect(existsSync(join(dir, "output"))).toBe(true);
    expect(job.output.model).toBe(join(dir, "output", "model.gguf"));

    const axolotl = parse(readFileSync(join(dir, "axolotl.yaml"), "utf8"));
    expect(axolotl).toMatchObject({
      base_model: "Qwen/Qwen2.5-0.5B-Instruct",
      adapter: "lora",
      chat_template: "tokenizer_default",
      lora_r: 16,
      sequence_len: 512,
      num_epochs: 2,
      learning_rate: 3e-4,
      datasets: [
        {
          path: job.train,
          ds_type: "json",
          type: "chat_template",
          field_messages: "messages",
          roles_to_train: ["assistant"],
        },
      ],
      test_datasets: [{ path: job.validation, type: "chat_template" }],
    });
    // The hostile name is a comment's JSON string, never YAML structure.
    expect(Object.keys(axolotl)).not.toContain("a");

    const script = readFileSync(join(dir, "trl_sft.py"), "utf8");
    expect(script).not.toContain("rm -rf");
    expect(script).toContain('json.loads((job_dir / "job.json").read_text())');
    let python = true;
    try {
      execFileSync("python3", ["--version"], { stdio: "ignore" });
    } catch {
      python = false;
    }
    if (python) execFileSync("python3", ["-m", "py_compile", join(dir, "trl_sft.py")]);
    else console.log("python3 is not installed: trl_sft.py's syntax was not compiled");
  });

  it("runs the command without a shell, follows its progress lines, and fails clearly when it fails or hangs", async () => {
    const { dir, job } = await jobFolder();
    const seen: SidecarProgressLine[] = [];
    const script = `
      const fs = require("node:fs");
      fs.writeFileSync("argv.json", JSON.stringify(process.argv.slice(1)));
      const say = (line) => fs.appendFileSync(process.env.ALAMBIQUE_TRAINING_JOB + "/progress.jsonl", line + "\\n");
      say(JSON.stringify({ type: "base", validationLoss: 5 }));
      say("not json");
      say(JSON.stringify({ type: "progress", epoch: 1, step: 1, steps: 2, loss: 4.5, tokensPerSecond: 100, extra: 1 }));
      say(JSON.stringify({ type: "epoch", epoch: 1, trainLoss: 4.2, validationLoss: 4.4 }));`;
    const notices: string[] = [];
    await runSidecarCommand({
      command: [process.execPath, "-e", script, "{job}", HOSTILE],
      jobDir: dir,
      progressFile: job.progress,
      progressTimeoutMs: 10_000,
      onLine: (line) => void seen.push(line),
      onNotice: (n) => notices.push(n),
    });
    expect(JSON.parse(readFileSync(join(dir, "argv.json"), "utf8"))).toEqual([dir, HOSTILE]);
    expect(existsSync(join(dir, "pwned"))).toBe(false);
    expect(seen.map((l) => l.type)).toEqual(["base", "progress", "epoch"]);
    expect(notices).toEqual(["skipped a progress line that is not one: not json"]);

    const failed = await runSidecarCommand({
      command: [process.execPath, "-e", 'console.error("CUDA error: out of memory"); process.exit(3)'],
      jobDir: dir,
      progressFile: job.progress,
      progressTimeoutMs: 10_000,
      onLine: () => undefined,
    }).catch((e: unknown) => e);
    expect(TrainingError.isInstance(failed) && failed.reason).toBe("command_failed");
    expect((failed as Error).message).toMatch(/exit code 3; its last output:\nCUDA error: out of memory$/);

    const missing = await runSidecarCommand({
      command: ["/nonexistent/trainer"],
      jobDir: dir,
      progressFile: job.progress,
      progressTimeoutMs: 10_000,
      onLine: () => undefined,
    }).catch((e: unknown) => e);
    expect(TrainingError.isInstance(missing) && missing.reason).toBe("command_failed");
    expect((missing as Error).message).toMatch(/could not start the trainer command \/nonexistent\/trainer/);

    // A command that hangs, and its child too: both are killed when no progress line comes in time.
    const started = Date.now();
    const hung = await runSidecarCommand({
      command: [
        process.execPath,
        "-e",
        `const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
         require("node:fs").writeFileSync("pids", JSON.stringify([process.pid, c.pid]));
         setInterval(() => {}, 1000);`,
      ],
      jobDir: dir,
      progressFile: job.progress,
      progressTimeoutMs: 1500,
      onLine: () => undefined,
    }).catch((e: unknown) => e);
    expect(TrainingError.isInstance(hung) && hung.reason).toBe("command_timeout");
    expect((hung as Error).message).toMatch(/no progress for 2 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(8000);
    const pids = JSON.parse(readFileSync(join(dir, "pids"), "utf8")) as number[];
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of pids) expect(alive(pid), `process ${pid}`).toBe(false);
  }, 30_000);
});

/** Running or sleeping; a zombie (dead, not yet reaped by whoever adopted it) is not alive. */
function alive(pid: number): boolean {
  if (process.platform !== "linux") {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}
