import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueSynthJob } from "../../distill/pipeline/enqueue-synth-job.js";
import { fixedModelSource } from "../../distill/pipeline/fixed-model-source.fixture.js";
import { instantModel } from "../../distill/pipeline/instant-model.fixture.js";
import {
  addForgedTeacher,
  demoSynthStore,
  FORGED_TEACHER,
} from "../../distill/pipeline/synth-test.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { runCli } from "../run-cli.fixture.js";

/**
 * `alambique synth …` in-process on the demo bakery, with the forged model as
 * teacher and judge through the real generation steps (src/distill/steps).
 */
let data: string;
const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "alq-cli-synth-"));
  const demo = await demoSynthStore(data);
  await addForgedTeacher(demo.store, "restricted-teacher", { licenseId: "llama3", outputsMayTrain: false });
  await addForgedTeacher(demo.store, "mystery-teacher", { licenseId: null, outputsMayTrain: null });
  await demo.store.agents.create({
    tenantId: demo.tenant.id,
    name: "empty",
    spec: { name: "empty", persona: "x" },
  });
  await demo.store.close();
});
afterAll(() => undefined);

const run = (...extra: string[]) =>
  cli("synth", "run", "--agent", "la-espiga", "--teacher", FORGED_TEACHER, "--max-tokens", "32", ...extra);

describe("alambique synth", () => {
  it("runs a job to a judged, split dataset and prints the report", async () => {
    const result = await run(
      "--judge",
      FORGED_TEACHER,
      "--count",
      "6",
      "--languages",
      "es,en",
      "--seed",
      "3",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^job [0-9a-f-]{36}: 6 rows for la-espiga in es, en by forged-teacher, judged by forged-teacher, seed 3, 4 at a time/m,
    );
    expect(result.stderr).toMatch(/synth: 6\/6 rows \(100\.0%\)/);
    expect(result.stdout).toMatch(/: succeeded\n/);
    expect(result.stdout).toMatch(/rows 6\/6: \d+ kept, \d+ dropped/);
    expect(result.stdout).toMatch(/cost: \$\d/);
    expect(result.stdout).toMatch(/^LANGUAGE\s+KEPT\s+DROPPED$/m);
    expect(result.stdout).toMatch(/dataset la-espiga@1: \d+ train, \d+ validation, \d+ test/);

    const list = await cli("synth", "status");
    expect(list.stdout).toMatch(/succeeded\s+la-espiga\s+forged-teacher\s+6\/6/);
    const id = /^job ([0-9a-f-]{36})/m.exec(result.stderr)![1]!;
    const one = await cli("synth", "status", id.slice(0, 13), "--json");
    expect(JSON.parse(one.stdout)).toMatchObject({ jobId: id, status: "succeeded", rows: 6, planned: 6 });
  }, 120_000);

  it("takes the judge's minimum scores as flags and records them on the dataset's card", async () => {
    // Minimums of 1 cannot drop a row: every row the forged judge scores is kept.
    const result = await run(
      ...["--judge", FORGED_TEACHER, "--count", "4", "--no-dedup", "--dataset", "lenient"],
      ...["--min-groundedness", "1", "--min-helpfulness", "1", "--min-policy", "1", "--min-language", "1"],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rows 4\/4: 4 kept, 0 dropped/);
    const card = JSON.parse((await cli("datasets", "show", "lenient", "--json")).stdout) as {
      card: { filters: Record<string, unknown> };
    };
    expect(card.card.filters).toMatchObject({ groundedness: 1, helpfulness: 1, policy: 1, languageMatch: 1 });
    const bad = await run("--judge", FORGED_TEACHER, "--count", "2", "--min-policy", "9");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-policy.*expected a score from 1 to 5/);
  }, 120_000);

  it("refuses counts of zero or over 100000 as usage errors, with the reason", async () => {
    const zero = await run("--count", "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--count: a count of 0 makes nothing/);
    const million = await run("--count", "1000000");
    expect(million.code).toBe(2);
    expect(million.stderr).toMatch(/1000000 rows is more than one job makes \(at most 100000\)/);
    const words = await run("--count", "lots");
    expect(words.code).toBe(2);
    const name = await run("--count", "3", "--dataset", "Mi Dataset");
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/dataset\.name: use 1-64 of a-z/);
  });

  it("refuses an agent with no knowledge, and a teacher whose licence forbids training unless overridden", async () => {
    const empty = await cli("synth", "run", "--agent", "empty", "--teacher", FORGED_TEACHER, "--count", "3");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(
      /the agent empty has no knowledge.*\n\s+fix: .*alambique knowledge add empty/,
    );

    const refused = await run("--teacher", "restricted-teacher", "--count", "2");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /Meta Llama 3 Community License, whose outputs may not train other models: outputs may not be used/,
    );
    expect(refused.stderr).toMatch(/--allow-license llama3/);

    const allowed = await run(
      "--teacher",
      "restricted-teacher",
      "--count",
      "2",
      "--allow-license",
      "llama3",
      "--dataset",
      "llama-ok",
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/warning: the licence llama3 .* overridden/);
    const show = await cli("datasets", "show", "llama-ok", "--json");
    expect(JSON.parse(show.stdout).card.teacher).toEqual({
      name: "restricted-teacher",
      licenseId: "llama3",
      licenseOverride: "llama3",
    });

    const unknown = await run("--teacher", "mystery-teacher", "--count", "1", "--dataset", "mystery");
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(unknown.stderr).toMatch(/warning: the licence of mystery-teacher is unknown/);
  }, 120_000);

  it("pauses, resumes and cancels jobs by id or prefix", async () => {
    const store = await openStore(join(data, "alambique.db"));
    const tenant = await defaultTenant(store);
    const models = fixedModelSource({ [FORGED_TEACHER]: { model: instantModel() } });
    const queue = async () =>
      (
        await enqueueSynthJob(store, models, {
          tenantId: tenant.id,
          agent: "la-espiga",
          teacher: FORGED_TEACHER,
          count: 2,
          maxTokens: 16,
        })
      ).job;
    const first = await queue();
    const second = await queue();
    await store.close();

    const paused = await cli("synth", "pause", first.id);
    expect(paused.stdout).toBe(
      `paused ${first.id} at 0 rows; \`alambique synth resume ${first.id}\` goes on`,
    );
    const resumed = await cli("synth", "resume", first.id);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming .* at 0 rows/m);
    expect(resumed.stdout).toMatch(/: succeeded/);

    const cancelled = await cli("synth", "cancel", second.id);
    expect(cancelled.stdout).toMatch(/^cancelled /);
    const again = await cli("synth", "resume", second.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has been cancelled/);
    expect((await cli("synth", "pause", "nope")).stderr).toMatch(/synthetic-data job not found: nope/);
  }, 120_000);
});
