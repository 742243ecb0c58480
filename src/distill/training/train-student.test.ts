import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../../cli/cli-process.fixture.js";
import { disposeLlamaRuntimes } from "../../models/llamacpp/llama-runtime.js";
import { TrainingError } from "../../spec/students.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { type StudentData, studentData } from "./student-test.fixture.js";
import { trainStudent } from "./train-student.js";

/**
 * A student trained for real (llama.cpp's trainer in a child process) on the
 * demo bakery's FAQ, hand-written text the project ships, from a forged F32
 * tiny base; through the CLI as a person would run it: train, show, list,
 * run, answer as an agent's model, export, remove.
 */
let d: StudentData;
beforeAll(async () => {
  d = await studentData();
}, 60_000);
afterAll(async () => {
  await disposeLlamaRuntimes();
});

describe("students train", () => {
  it("trains a student whose held-out loss on the assistant's answers is well under its base's, and it answers", async () => {
    const trained = await d.cli(
      "students",
      "train",
      ...["--dataset", "bakery-faq@1", "--base", "tiny-base", "--name", "espiga-student"],
      ...["--epochs", "8", "--lr", "0.0003", "--ctx", "256", "--threads", "1", "--json"],
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/^job \S+: espiga-student from tiny-base on bakery-faq@1, 8 epochs/m);
    expect(trained.stderr).toMatch(/^epoch 8: train loss [\d.]+, validation loss [\d.]+, \d+ tokens\/s$/m);
    const shown = JSON.parse((await d.cli("students", "show", "espiga-student", "--json")).stdout);
    expect(shown).toMatchObject({
      name: "espiga-student",
      base: "tiny-base",
      dataset: { name: "bakery-faq", version: 1, validationSplit: "validation", unmaskable: 0 },
      engine: "builtin",
      license: "apache-2.0",
      licenseDetails: { id: "apache-2.0", conditions: [], attribution: [], override: null },
      hyperparameters: { lossOn: "assistant", epochs: 8, contextLength: 256 },
      job: { sessions: 1 },
    });
    expect(shown.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    const { validationLoss, baseValidationLoss, epochs } = shown.metrics;
    console.log(
      `assistant-only validation loss ${baseValidationLoss.toFixed(3)} → ${validationLoss.toFixed(3)}; ` +
        epochs.map((e: { tokensPerSecond: number }) => e.tokensPerSecond.toFixed(0)).join(", ") +
        " training tokens/s",
    );
    expect(epochs).toHaveLength(8);
    expect(validationLoss).toBeLessThan(baseValidationLoss * 0.9);
    expect(shown.file).toBe(join(d.data, "models", "students", "espiga-student.gguf"));
    expect(createHash("sha256").update(readFileSync(shown.file)).digest("hex")).toBe(shown.sha256);
    expect(readdirSync(join(d.data, "models", "students"))).toEqual(["espiga-student.gguf"]);
    const status = JSON.parse((await d.cli("students", "status", shown.job.id, "--json")).stdout);
    expect(status).toMatchObject({ status: "succeeded", epoch: 8, epochs: 8, progress: 1, etaSeconds: 0 });

    const list = await d.cli("students", "list");
    expect(list.stdout).toMatch(/^espiga-student\s+tiny-base\s+bakery-faq@1\s+builtin\s/m);
    const show = await d.cli("students", "show", "espiga-student");
    expect(show.stdout).toMatch(/^sha256\s+[0-9a-f]{64}$/m);
    expect(show.stdout).toMatch(/^licence\s+apache-2.0 \(the base's\)/m);

    // The student loads in the embedded provider, keeps the base's chat template, and generates.
    const run = await d.cli(
      "run",
      "--model",
      "espiga-student",
      "--prompt",
      "¿Tenéis wifi?",
      "--max-tokens",
      "8",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(0);

    // Exported: the GGUF as it is, a model card with its provenance, and a Modelfile for Ollama.
    const out = join(d.data, "export");
    const exported = await d.cli("students", "export", "espiga-student", "--out", out);
    expect(exported.code, exported.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["Modelfile", "README.md", "espiga-student.gguf"]);
    expect(
      createHash("sha256")
        .update(readFileSync(join(out, "espiga-student.gguf")))
        .digest("hex"),
    ).toBe(shown.sha256);
    const card = readFileSync(join(out, "README.md"), "utf8");
    expect(card).toContain("# espiga-student");
    expect(card).toContain(`\`bakery-faq@1\`, sha256 \`${shown.dataset.sha256}\``);
    expect(card).toContain("Licence: apache-2.0 (inherited from the base)");
    expect(card).toMatch(/^\| 8 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \|$/m);
    const modelfile = readFileSync(join(out, "Modelfile"), "utf8");
    expect(modelfile).toMatch(/^FROM \.\/espiga-student\.gguf$/m);
    expect(modelfile).toContain(
      'TEMPLATE """{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>',
    );
    expect(modelfile).toMatch(/^PARAMETER stop "<\|eot_id\|>"$/m);
    expect(modelfile).toMatch(/^LICENSE """espiga-student: licence apache-2.0/m);
    const again = await d.cli("students", "export", "espiga-student", "--out", out);
    expect(again.stderr).toMatch(/already exists/);
  }, 240_000);

  it("answers as an agent's model, and cannot be removed while that agent uses it", async () => {
    const spec = join(d.data, "agent.yaml");
    const agent = (model: string) =>
      writeFileSync(
        spec,
        `name: espiga-mini\npersona: Lucía, de la Panadería La Espiga.\nlanguages: [es]\nmodel: ${model}\n`,
      );
    agent("espiga-student");
    expect((await d.cli("agents", "create", "--file", spec, "--no-knowledge")).code).toBe(0);
    const chat = spawnCli(["chat", "espiga-mini", "--data", d.data], {}, { input: "¿Tenéis wifi?\n/quit\n" });
    expect(await chat.exited, chat.output().stderr).toBe(0);
    expect(chat.output().stdout.trim().length).toBeGreaterThan(0);

    const refused = await d.cli("students", "remove", "espiga-student");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/used by the agent espiga-mini \(tenant .+, model\)/);
    expect(existsSync(join(d.data, "models", "students", "espiga-student.gguf"))).toBe(true);

    agent("tiny-base");
    expect((await d.cli("agents", "create", "--file", spec, "--no-knowledge")).code).toBe(0);
    const removed = await d.cli("students", "remove", "espiga-student");
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/^removed espiga-student and .*espiga-student\.gguf$/);
    expect(existsSync(join(d.data, "models", "students", "espiga-student.gguf"))).toBe(false);
    expect((await d.cli("students", "show", "espiga-student")).code).toBe(1);
    expect((await d.cli("students", "remove", "tiny-base")).stderr).toMatch(/models remove/);
  }, 120_000);

  it("refuses, before any native code runs or any job is queued, what cannot train", async () => {
    const store = await openStore(d.storeFile);
    const tenant = await defaultTenant(store);
    const modelsDir = join(d.data, "models");
    const attempt = (options: Partial<Parameters<typeof trainStudent>[3]>) =>
      trainStudent(store, tenant.id, modelsDir, {
        dataset: "bakery-faq",
        base: d.base,
        name: "refused",
        ...options,
      }).then(
        () => undefined,
        (error: unknown) => (TrainingError.isInstance(error) ? error.reason : String(error)),
      );
    try {
      const { forgeModel } = await import("../../models/forge/forge-model.js");
      const small16 = (await forgeModel({ out: join(d.data, "small-f16.gguf"), preset: "small" })).path;
      const jobsBefore = (await store.jobs.list()).length;
      expect(await attempt({ dataset: "unfrozen" })).toBe("dataset_not_frozen");
      expect(await attempt({ base: small16 })).toBe("base_not_trainable");
      expect(await attempt({ contextLength: 4096 })).toBe("too_little_data");
      expect(await attempt({ contextLength: 256, availableBytes: 1024 })).toBe("not_enough_memory");
      expect(await attempt({ name: "tiny-base" })).toMatch(/already has a model named tiny-base/);
      // A Llama-licensed base asks for "Llama" at the start of the student's name.
      expect(
        (await d.cli("models", "add", "llama-base", "--gguf", d.base, "--license", "llama3.2")).code,
      ).toBe(0);
      const named = await d.cli(
        "students",
        "train",
        "--dataset",
        "bakery-faq",
        "--base",
        "llama-base",
        "--name",
        "espiga",
      );
      expect(named.code).toBe(1);
      expect(named.stderr).toMatch(/Llama 3.2 Community License.*beginning with "Llama"; espiga does not/);
      expect(named.stderr).toMatch(/--allow-license llama3.2/);
      expect((await store.jobs.list()).length).toBe(jobsBefore);

      // A run cancelled before its first epoch: the job is paused, nothing is in the catalog.
      const cancel = new AbortController();
      cancel.abort();
      expect(await attempt({ contextLength: 256, signal: cancel.signal })).toBe("cancelled");
      expect(await store.models.get("refused")).toBeUndefined();
      const [paused] = (await store.jobs.list({ kind: "train" })).filter((j) => j.status === "paused");
      expect(paused?.error).toMatch(/interrupted before the first epoch ended/);
      expect(readdirSync(join(d.data, "models", "students"))).not.toContain("refused.gguf");
    } finally {
      await store.close();
    }
  }, 120_000);
});
