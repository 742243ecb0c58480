import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.fixture.js";
import { forgeModel } from "../../models/forge/forge-model.js";
import { disposeLlamaRuntimes } from "../../models/llamacpp/llama-runtime.js";
import { bakeryConversations } from "../../models/training/bakery-conversations.fixture.js";
import type { Split, SynthRow } from "../../spec/distill.js";
import { TrainingError } from "../../spec/students.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { datasetContentHash } from "../datasets/content-hash.js";
import { trainStudent } from "./train-student.js";

/**
 * A student trained for real (llama.cpp's trainer in a child process) on the
 * demo bakery's FAQ, hand-written text the project ships, from a forged F32
 * tiny base; through the CLI as a person would run it.
 */
let data: string;
let base: string;
let small16: string;
const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});

function row(index: number, lang: string, messages: SynthRow["messages"]): SynthRow {
  return {
    key: `faq-${index}`,
    messages,
    intent: "faq",
    provenance: { kind: "real", chunkIds: [], language: lang, evolved: 0, teacher: "hand-written", seed: 0 },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "alq-students-"));
  base = (await forgeModel({ out: join(data, "tiny.gguf"), preset: "tiny" })).path;
  small16 = (await forgeModel({ out: join(data, "small-f16.gguf"), preset: "small" })).path;
  const store = await openStore(join(data, "alambique.db"));
  const tenant = await defaultTenant(store);
  const conversations = bakeryConversations();
  // Every fifth conversation is held out for validation (both languages are in each split).
  const rows = conversations.map((c, i) => ({
    split: (i % 5 === 4 ? "validation" : "train") as Split,
    row: row(i, c.lang, c.messages),
  }));
  const card = {
    agent: "la-espiga",
    teacher: { name: "hand-written", licenseId: "apache-2.0" },
    judge: null,
    filters: {},
    counts: {
      train: rows.filter((r) => r.split === "train").length,
      validation: rows.filter((r) => r.split === "validation").length,
      test: 0,
      dropped: {},
    },
    languages: ["es", "en"],
    contentHash: datasetContentHash(rows),
  };
  const made = await store.datasets.create({ tenantId: tenant.id, name: "bakery-faq", card, rows });
  await store.datasets.create({ tenantId: tenant.id, name: "unfrozen", card, rows });
  await store.datasets.freeze(tenant.id, made.id);
  await store.close();
  expect((await cli("models", "add", "tiny-base", "--gguf", base)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await disposeLlamaRuntimes();
});

describe("students train", () => {
  it("trains a student whose validation loss is well under its base's, and it answers", async () => {
    const trained = await cli(
      "students",
      "train",
      ...["--dataset", "bakery-faq@1", "--base", "tiny-base", "--name", "espiga-student"],
      ...["--epochs", "8", "--lr", "0.0003", "--ctx", "256", "--threads", "1", "--json"],
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/^epoch 8: train loss [\d.]+, validation loss [\d.]+, \d+ tokens\/s$/m);
    const shown = JSON.parse((await cli("students", "show", "espiga-student", "--json")).stdout);
    expect(shown).toMatchObject({
      name: "espiga-student",
      base: "tiny-base",
      dataset: { name: "bakery-faq", version: 1, validationSplit: "validation" },
      engine: "builtin",
      license: "apache-2.0",
    });
    expect(shown.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    const { validationLoss, baseValidationLoss, epochs } = shown.metrics;
    console.log(
      `base validation loss ${baseValidationLoss.toFixed(3)} → ${validationLoss.toFixed(3)}; ` +
        epochs.map((e: { tokensPerSecond: number }) => e.tokensPerSecond.toFixed(0)).join(", ") +
        " training tokens/s",
    );
    expect(epochs).toHaveLength(8);
    expect(validationLoss).toBeLessThan(baseValidationLoss * 0.6);
    expect(shown.file).toBe(join(data, "models", "students", "espiga-student.gguf"));
    expect(readdirSync(join(data, "models", "students"))).toEqual(["espiga-student.gguf"]);

    const list = await cli("students", "list");
    expect(list.stdout).toMatch(/^espiga-student\s+tiny-base\s+bakery-faq@1\s+builtin\s/m);

    // The student loads in the embedded provider, keeps the base's chat template, and generates.
    const run = await cli(
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
  }, 120_000);

  it("refuses, before any native code runs, what cannot train", async () => {
    const store = await openStore(join(data, "alambique.db"));
    const tenant = await defaultTenant(store);
    const modelsDir = join(data, "models");
    const attempt = (options: Partial<Parameters<typeof trainStudent>[3]>) =>
      trainStudent(store, tenant.id, modelsDir, {
        dataset: "bakery-faq",
        base: base,
        name: "refused",
        ...options,
      }).then(
        () => undefined,
        (error: unknown) => (TrainingError.isInstance(error) ? error.reason : String(error)),
      );
    try {
      expect(await attempt({ dataset: "unfrozen" })).toBe("dataset_not_frozen");
      expect(await attempt({ base: small16 })).toBe("base_not_trainable");
      expect(await attempt({ contextLength: 4096 })).toBe("too_little_data");
      expect(await attempt({ contextLength: 256, availableBytes: 1024 })).toBe("not_enough_memory");
      const cancel = new AbortController();
      cancel.abort();
      expect(await attempt({ contextLength: 256, signal: cancel.signal })).toBe("cancelled");
      expect(await store.models.get("refused")).toBeUndefined();
      expect(readdirSync(join(data, "models", "students"))).toEqual(["espiga-student.gguf"]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
