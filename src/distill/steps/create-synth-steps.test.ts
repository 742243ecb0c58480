import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthRowSchema } from "../../spec/distill.js";
import { type DatasetFormat, splitFile, splits } from "../formats/dataset-format.js";
import { exportDataset } from "../formats/export-dataset.js";
import { hfRowSchema } from "../formats/hf-row-format.js";
import { importDataset } from "../formats/import-dataset.js";
import { openAiChatLineSchema } from "../formats/openai-chat-format.js";
import { shareGptLineSchema } from "../formats/sharegpt-format.js";
import { enqueueSynthJob } from "../pipeline/enqueue-synth-job.js";
import { runSynthJob } from "../pipeline/run-synth-job.js";
import { createSynthSteps } from "./create-synth-steps.js";
import { FORGED_4K, type SynthFixture, synthFixture } from "./synth-context.fixture.js";

let fixture: SynthFixture;

beforeAll(async () => {
  fixture = await synthFixture();
});
afterAll(async () => fixture?.close());

const schemas = { openai: openAiChatLineSchema, sharegpt: shareGptLineSchema, hf: hfRowSchema };

describe("the generation steps in the engine, on the demo bakery with a forged teacher and judge", () => {
  it("plans, generates, judges and deduplicates valid rows, and the dataset exports and re-imports in every format", async () => {
    const { store, tenant } = fixture.demo;
    const { job } = await enqueueSynthJob(store, fixture.models, {
      tenantId: tenant.id,
      agent: "la-espiga",
      teacher: FORGED_4K,
      judge: FORGED_4K,
      count: 8,
      seed: 7,
      concurrency: 2,
      dataset: { name: "espiga-steps", validation: 0.25, test: 0.25 },
    });
    const steps = createSynthSteps({
      plan: { conversationShare: 0.25 },
      steps: { questionTokens: 40, answerTokens: 80 },
      // The forged judge scores nonsense low; thresholds of 1 keep rows, so the dataset has some to export.
      judge: {
        maxOutputTokens: 80,
        thresholds: { groundedness: 1, helpfulness: 1, policy: 1, languageMatch: 1 },
      },
    });
    const result = await runSynthJob({ store, models: fixture.models, steps, jobId: job.id });
    expect(result.outcome, result.error ?? "").toBe("succeeded");

    const rows = await store.synth.listRows(job.id);
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.provenance.kind === "conversation")).toHaveLength(2);
    for (const row of rows) {
      expect(synthRowSchema.safeParse(row).error).toBeUndefined();
      if (row.dropped === null) expect(row.judgement).not.toBeNull();
      else expect(row.dropDetail).toBeTruthy();
    }

    const dataset = result.dataset!;
    const datasetRows = await store.datasets.rows(tenant.id, dataset.id);
    expect(datasetRows.length).toBeGreaterThan(0);
    for (const format of ["openai", "sharegpt", "hf"] as DatasetFormat[]) {
      const dir = mkdtempSync(join(tmpdir(), `alq-steps-${format}-`));
      await exportDataset({ format, dir, rows: datasetRows, card: dataset.card });
      for (const split of splits)
        for (const line of readFileSync(join(dir, splitFile(format, split)), "utf8")
          .split("\n")
          .filter(Boolean))
          expect(schemas[format].safeParse(JSON.parse(line)).error).toBeUndefined();
      const back = await importDataset({ format, path: dir, onError: "abort", languages: ["es", "en"] });
      expect(back.errors).toEqual([]);
      expect(back.rows).toHaveLength(datasetRows.length);
    }
  });
});
