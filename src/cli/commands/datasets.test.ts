import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { enqueueSynthJob } from "../../distill/pipeline/enqueue-synth-job.js";
import { fixedModelSource } from "../../distill/pipeline/fixed-model-source.fixture.js";
import { instantModel } from "../../distill/pipeline/instant-model.fixture.js";
import { runSynthJob } from "../../distill/pipeline/run-synth-job.js";
import { demoSynthStore, forgedQaSteps } from "../../distill/pipeline/synth-test.fixture.js";
import { runCli } from "../run-cli.fixture.js";

/** `alambique datasets …` on a dataset made by a real job (an instant teacher keeps it fast). */
let data: string;
let out: string;
const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "alq-cli-datasets-"));
  out = mkdtempSync(join(tmpdir(), "alq-cli-exports-"));
  const demo = await demoSynthStore(data);
  const models = fixedModelSource({ teacher: { model: instantModel() } });
  const { job } = await enqueueSynthJob(demo.store, models, {
    tenantId: demo.tenant.id,
    agent: "la-espiga",
    teacher: "teacher",
    count: 30,
    dataset: { name: "espiga", validation: 0.2, test: 0.2 },
  });
  const result = await runSynthJob({ store: demo.store, models, steps: forgedQaSteps(), jobId: job.id });
  expect(result.dataset?.rowCount).toBeGreaterThan(20);
  await demo.store.close();
});

describe("alambique datasets", () => {
  it("lists versions and shows a card with sample rows", async () => {
    const list = await cli("datasets", "list");
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^DATASET\s+ROWS\s+TRAIN\s+VALIDATION\s+TEST\s+FROZEN\s+TEACHER\s+CREATED$/m);
    expect(list.stdout).toMatch(/^espiga@1\s+\d+\s+\d+\s+\d+\s+\d+\s+no\s+teacher\s/m);
    const show = await cli("datasets", "show", "espiga", "--rows", "2");
    expect(show.stdout).toMatch(/^teacher\s+teacher, licence apache-2.0$/m);
    expect(show.stdout).toMatch(/^content hash\s+[0-9a-f]{64}$/m);
    expect(show.stdout).toMatch(/^#0 (train|validation|test) qa-\d{6} \[\w+, (es|en)\]\n {2}user: /m);
    expect((await cli("datasets", "show", "espiga@9")).stderr).toMatch(/dataset not found: espiga@9/);
  });

  it("exports every format and imports each back into a new version with the same conversations", async () => {
    const shown = JSON.parse((await cli("datasets", "show", "espiga", "--json", "--rows", "100")).stdout);
    const conversations = (dataset: { rows: { row: { messages: unknown } }[] }) =>
      dataset.rows.map((r) => JSON.stringify(r.row.messages)).sort();
    for (const format of ["openai", "sharegpt", "hf"] as const) {
      const dir = join(out, format);
      const exported = await cli("datasets", "export", "espiga@1", "--format", format, "--out", dir);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(
        new RegExp(`exported espiga@1 as ${format} to .*: ${shown.splitCounts.train} train`),
      );
      expect(exported.stderr).toMatch(/is not frozen/);
      const train = join(dir, format === "hf" ? "data/train.jsonl" : "train.jsonl");
      expect(lines(train)).toHaveLength(shown.splitCounts.train);
      expect(existsSync(join(dir, format === "hf" ? "README.md" : "dataset-card.json"))).toBe(true);

      const imported = await cli(
        "datasets",
        "import",
        dir,
        "--format",
        format,
        "--name",
        `back-${format}`,
        "--languages",
        "es,en",
      );
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(new RegExp(`imported ${shown.rowCount} rows into back-${format}@1`));
      const back = JSON.parse(
        (await cli("datasets", "show", `back-${format}`, "--json", "--rows", "100")).stdout,
      );
      expect(back.splitCounts).toEqual(shown.splitCounts);
      expect(back.card.agent).toBe("la-espiga");
      expect(conversations(back)).toEqual(conversations(shown));
    }
  });

  it("reports broken lines by file and line, importing nothing or the rest as asked", async () => {
    const file = join(out, "train.jsonl");
    const good = lines(join(out, "openai", "train.jsonl"));
    writeFileSync(file, [good[0], "{not json", good[1], '{"messages": []}'].join("\n"));
    const abort = await cli("datasets", "import", file, "--format", "openai", "--name", "broken");
    expect(abort.code).toBe(1);
    expect(abort.stderr).toMatch(/train\.jsonl:2: /);
    expect(abort.stderr).toMatch(/train\.jsonl:4: /);
    expect(abort.stderr).toMatch(/2 of 4 lines are broken; nothing was imported/);
    expect((await cli("datasets", "list")).stdout).not.toMatch(/broken@/);
    const skip = await cli(
      "datasets",
      "import",
      file,
      "--format",
      "openai",
      "--name",
      "broken",
      "--on-error",
      "skip",
    );
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.stdout).toMatch(
      /imported 2 rows into broken@1: 2 train, 0 validation, 0 test; skipped 2 broken lines/,
    );
  });

  it("freezes a version for good", async () => {
    const frozen = await cli("datasets", "freeze", "espiga");
    expect(frozen.stdout).toMatch(/^froze espiga@1: \d+ rows, content hash [0-9a-f]{64}$/);
    expect((await cli("datasets", "freeze", "espiga@1")).stdout).toMatch(/was already frozen/);
    expect((await cli("datasets", "list")).stdout).toMatch(/^espiga@1\s+\d+\s+\d+\s+\d+\s+\d+\s+yes/m);
    const exported = await cli(
      "datasets",
      "export",
      "espiga",
      "--format",
      "openai",
      "--out",
      join(out, "frozen"),
    );
    expect(exported.stderr).not.toMatch(/is not frozen/);
  });
});
