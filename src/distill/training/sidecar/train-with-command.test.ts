import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeLlamaRuntimes } from "../../../models/llamacpp/llama-runtime.js";
import { type StudentData, studentData } from "../student-test.fixture.js";

/**
 * `students train --engine command`, through the CLI, with a real trainer
 * behind the contract: `alambique students sidecar-train`, the built-in
 * engine reading the job folder like any sidecar would. Then `--quantize`:
 * the student in the catalog is llama.cpp's quantization of what was
 * trained, smaller, and it answers. Then the ways a sidecar goes wrong.
 */
const cliEntry = fileURLToPath(new URL("../../../cli/__fixtures__/cli-entry.ts", import.meta.url));
// The command runs in the job folder: tsx by its absolute URL.
const sidecar = [
  process.execPath,
  "--import",
  import.meta.resolve("tsx"),
  cliEntry,
  "students",
  "sidecar-train",
  "--job",
  "{job}",
];

let d: StudentData;
beforeAll(async () => {
  d = await studentData();
}, 60_000);
afterAll(async () => {
  await disposeLlamaRuntimes();
});

/** Writes an alambique.yaml (JSON is YAML) with this training section; returns `--config FILE`. */
function config(name: string, training: object): string[] {
  const file = join(d.data, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({ training }));
  return ["--config", file];
}

const train = (name: string, ...more: string[]) => [
  "students",
  "train",
  ...["--dataset", "bakery-faq@1", "--base", "tiny-base", "--name", name],
  ...["--ctx", "256", "--lr", "0.0003", ...more],
];

const studentsDir = () => join(d.data, "models", "students");
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("students train --engine command", () => {
  it("trains through the sidecar contract, follows its progress, imports its GGUF, which answers", async () => {
    const cfg = config("sidecar", { command: sidecar, progressTimeoutSeconds: 120 });
    const trained = await d.cli(...cfg, ...train("espiga-sidecar", "--epochs", "4", "--engine", "command"));
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/^base validation loss [\d.]+$/m);
    expect(trained.stderr).toMatch(/^epoch 4: train loss [\d.]+, validation loss [\d.]+, \d+ tokens\/s$/m);
    const shown = JSON.parse((await d.cli("students", "show", "espiga-sidecar", "--json")).stdout);
    expect(shown).toMatchObject({
      name: "espiga-sidecar",
      base: "tiny-base",
      engine: "command",
      engineVersion: "trainer sidecar (training.command)",
      command: sidecar,
      quantization: null,
      dataset: { name: "bakery-faq", version: 1 },
      hyperparameters: { epochs: 4, contextLength: 256 },
    });
    const { validationLoss, baseValidationLoss, epochs } = shown.metrics;
    console.log(`sidecar: validation loss ${baseValidationLoss.toFixed(3)} → ${validationLoss.toFixed(3)}`);
    expect(epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(validationLoss).toBeLessThan(baseValidationLoss * 0.95);
    expect(sha256(shown.file)).toBe(shown.sha256);
    expect(readdirSync(studentsDir())).toEqual(["espiga-sidecar.gguf"]); // the job folder is gone
    const show = await d.cli("students", "show", "espiga-sidecar");
    expect(show.stdout).toMatch(/^command\s+\[".*sidecar-train","--job","\{job\}"\]$/m);

    const run = await d.cli(
      "run",
      "--model",
      "espiga-sidecar",
      "--prompt",
      "¿Tenéis wifi?",
      "--max-tokens",
      "8",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(0);
  }, 300_000);

  it("--quantize: the catalog holds llama.cpp's quantization of the trained weights, smaller, and it answers", async () => {
    for (const type of ["q8_0", "q4_k_m"]) {
      const name = `espiga-${type.replace("_", "-")}`;
      const trained = await d.cli(...train(name, "--epochs", "1", "--quantize", type, "--json"));
      expect(trained.code, trained.stderr).toBe(0);
      const shown = JSON.parse(trained.stdout);
      expect(shown).toMatchObject({ engine: "builtin", quantization: { type } });
      const { bytesBefore, bytesAfter } = shown.quantization;
      console.log(`${type}: ${bytesBefore} → ${bytesAfter} bytes`);
      expect(statSync(shown.file).size).toBe(bytesAfter);
      expect(bytesAfter).toBeLessThan(bytesBefore * (type === "q8_0" ? 0.5 : 0.4));
      expect(sha256(shown.file)).toBe(shown.sha256);
      expect(shown.sha256).not.toBe(shown.quantization.sourceSha256);
      const model = JSON.parse((await d.cli("models", "show", name, "--json")).stdout);
      expect(model.quantization).toBe(type.toUpperCase());

      const run = await d.cli("run", "--model", name, "--prompt", "¿Abrís el domingo?", "--max-tokens", "8");
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
      const out = join(d.data, `export-${type}`);
      expect((await d.cli("students", "export", name, "--out", out, "--format", "gguf")).code).toBe(0);
      expect(readFileSync(join(out, "README.md"), "utf8")).toContain(`Quantized to ${type}`);
    }
  }, 300_000);

  it("a sidecar that fails, hangs, leaves nothing or leaves a broken file: a clear error, nothing in the catalog", async () => {
    const node = (script: string) => [process.execPath, "-e", script];
    const cases: [string, object, RegExp][] = [
      [
        "exits",
        {
          command: node('console.error("torch.cuda.OutOfMemoryError: CUDA out of memory"); process.exit(2)'),
        },
        /ended with exit code 2; its last output:\ntorch\.cuda\.OutOfMemoryError: CUDA out of memory/,
      ],
      [
        "hangs",
        { command: node("setInterval(() => {}, 1000)"), progressTimeoutSeconds: 1 },
        /reported no progress for 1 s and was stopped/,
      ],
      ["nothing", { command: node("0") }, /succeeded but left no model at .*output\/model\.gguf/],
      [
        "broken",
        {
          command: node(
            'require("fs").writeFileSync(process.env.ALAMBIQUE_TRAINING_JOB + "/output/model.gguf", "GGUF".repeat(64))',
          ),
        },
        /llama\.cpp could not load .*output\/model\.gguf/,
      ],
    ];
    const before = readdirSync(studentsDir()).sort();
    for (const [name, training, message] of cases) {
      const run = await d.cli(...config(name, training), ...train(`broken-${name}`, "--engine", "command"));
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toMatch(message);
      expect((await d.cli("students", "show", `broken-${name}`)).code).toBe(1);
      const jobs = JSON.parse((await d.cli("students", "status", "--json")).stdout) as {
        student: string;
        status: string;
      }[];
      expect(jobs.find((j) => j.student === `broken-${name}`)?.status, name).toBe("paused");
    }
    expect(
      readdirSync(studentsDir())
        .filter((f) => !f.startsWith("."))
        .sort(),
    ).toEqual(before.filter((f) => !f.startsWith(".")));

    const unconfigured = await d.cli(...train("no-command", "--engine", "command"));
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toMatch(/--engine command needs training\.command in alambique\.yaml/);
  }, 120_000);
});
