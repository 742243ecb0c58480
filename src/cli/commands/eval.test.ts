import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  demoRows,
  evalDemoStore,
  FORGED_STUDENT,
  FORGED_TEACHER,
  row,
} from "../../distill/eval/eval-test.fixture.js";
import type { JsonValue } from "../../spec/json.js";
import { openStore } from "../../store/open-store.js";
import { runCli } from "../run-cli.fixture.js";

/**
 * `alambique eval …` and `students promote | rollback` in-process on the demo
 * bakery: a forged student against a forged teacher, end to end (replay,
 * judge, scorecard, show, export, compare), then the deploy gate refusing it,
 * a forced promotion recorded, and its rollback.
 */
let data: string;
const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
const card = {
  agent: "la-espiga",
  teacher: { name: FORGED_TEACHER, licenseId: "apache-2.0" },
  judge: null,
  filters: {},
  counts: { train: 1, validation: 0, test: 1, dropped: {} },
  languages: ["es"],
  contentHash: "fixture",
};

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "alq-cli-eval-"));
  const demo = await evalDemoStore(data);
  const { store, tenant, agent } = demo;
  // The agent answers with the teacher, and holds students to a gate no forged model meets.
  await store.agents.update(tenant.id, agent.id, {
    ...agent.spec,
    model: FORGED_TEACHER,
    evaluation: { gate: { minRubricRatio: 5, minWinOrTie: 1 } },
  } as Record<string, JsonValue>);
  const [train, single] = [demoRows()[0]!, demoRows()[2]!];
  const make = (name: string, rows: (typeof train)[]) =>
    store.datasets.create({ tenantId: tenant.id, name, card: { ...card, contentHash: name }, rows });
  await make("one-question", [train, single]);
  await make("no-test", [train]);
  await make("leaky", [
    train,
    { split: "test", row: row("leak", [["¿Tenéis pan de espelta integral los martes?", "Sí."]]) },
  ]);
  await store.close();
});

const evalRun = (...extra: string[]) =>
  cli(
    ...["eval", "run", "--agent", "la-espiga", "--candidate", FORGED_STUDENT, "--reference", FORGED_TEACHER],
    ...["--max-tokens", "24", ...extra],
  );

describe("alambique eval and students promote", () => {
  it("makes a scorecard end to end, shows, exports and compares it; the gate refuses, --force is recorded, rollback restores", async () => {
    const run = await evalRun("--dataset", "la-espiga@1", "--json");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /job [0-9a-f-]{36}: forged-student against forged-teacher on la-espiga, la-espiga@1 test split/,
    );
    expect(run.stderr).toMatch(/warning: the judge is the reference/);
    const first = JSON.parse(run.stdout) as { id: string; gate: { passed: boolean; failures: string[] } };
    expect(first.gate.passed).toBe(false);
    expect(first.gate.failures.join("\n")).toMatch(/rubric: |win or tie: /);

    const show = await cli("eval", "show", first.id);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^METRIC\s+CANDIDATE \(forged-student\)\s+REFERENCE \(forged-teacher\)$/m);
    expect(show.stdout).toMatch(/^win \/ tie \/ loss \/ unknown\s+\d+ \/ \d+ \/ \d+ \/ \d+$/m);
    expect(show.stdout).toMatch(/^latency p95 \(ms\)\s+\d+\s+\d+$/m);
    expect(show.stdout).toMatch(/^USD per 1,000 conversations\s+\$[\d.]+\s+\$[\d.]+$/m);
    expect(show.stdout).toMatch(/^gate: not passed$/m);

    const html = join(data, "scorecard.html");
    expect((await cli("eval", "export", first.id.slice(0, 13), "--format", "html", "--out", html)).code).toBe(
      0,
    );
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)).toHaveLength(3);
    // Self-contained: no script, stylesheet, image or font from anywhere.
    expect(page).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    expect(page.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:/);
    const json = JSON.parse((await cli("eval", "export", first.id, "--format", "json")).stdout);
    expect(json).toMatchObject({
      id: first.id,
      version: 1,
      scorecard: { candidate: FORGED_STUDENT, repeats: 1 },
    });

    const second = JSON.parse((await evalRun("--dataset", "one-question", "--json")).stdout) as {
      id: string;
    };
    const compare = await cli("eval", "compare", first.id, second.id);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toMatch(
      /^METRIC\s+forged-student v1 \([0-9a-f]{8}\)\s+forged-student v2 \([0-9a-f]{8}\)\s+B - A$/m,
    );
    expect(compare.stdout).toMatch(/different test rows/);
    expect((await cli("eval", "list", "--agent", "la-espiga")).stdout.split("\n")).toHaveLength(3);

    const refused = await cli("students", "promote", FORGED_STUDENT, "--agent", "la-espiga");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /forged-student does not meet la-espiga's gate \(scorecard [0-9a-f-]{36}, version 2\): .*short/,
    );
    expect(refused.stderr).toMatch(/--force --why TEXT/);
    expect((await cli("students", "promote", FORGED_STUDENT, "--agent", "la-espiga", "--force")).code).toBe(
      2,
    );

    const forced = await cli(
      ...["students", "promote", FORGED_STUDENT, "--agent", "la-espiga"],
      ...["--force", "--why", "trying the pipeline", "--by", "rosa", "--json"],
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      seq: 1,
      action: "promote",
      model: FORGED_STUDENT,
      previousModel: FORGED_TEACHER,
      scorecardId: second.id,
      forced: true,
      why: "trying the pipeline",
      actor: "rosa",
      scorecardVersion: 2,
    });
    expect(await agentModel()).toBe(FORGED_STUDENT);

    const rollback = await cli("students", "rollback", "--agent", "la-espiga");
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toMatch(
      /la-espiga answers with forged-teacher again \(undid change 1, the promotion of forged-student\); change 2/,
    );
    expect(await agentModel()).toBe(FORGED_TEACHER);
    const again = await cli("students", "rollback", "--agent", "la-espiga");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/la-espiga has no promotion left to roll back/);
  }, 180_000);

  it("refuses a dataset with no test split, a test split that overlaps training rows, and one model twice", async () => {
    const none = await evalRun("--dataset", "no-test");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /the dataset no-test@1 has no test split: there is nothing held out to evaluate on/,
    );
    expect(none.stderr).toMatch(/fix: make a version with a test split/);
    const leaky = await evalRun("--dataset", "leaky");
    expect(leaky.code).toBe(1);
    expect(leaky.stderr).toMatch(
      /1 of the 1 test rows of leaky@1 overlap the training rows of leaky@1 \(leak ~ train-1\)/,
    );
    const same = await cli(
      "eval",
      "run",
      "--agent",
      "la-espiga",
      "--candidate",
      FORGED_TEACHER,
      "--reference",
      FORGED_TEACHER,
    );
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/the candidate and the reference are the same model/);
    const nothing = await cli("students", "promote", FORGED_TEACHER, "--agent", "la-espiga");
    expect(nothing.code).toBe(2);
  });

  it("refuses, when the agent is saved, a gate that can never pass", async () => {
    const file = join(data, "strict.yaml");
    writeFileSync(
      file,
      "name: strict\npersona: Una panadería.\nevaluation:\n  gate:\n    minWinOrTie: 1.5\n",
    );
    const saved = await cli("agents", "create", "--file", file);
    expect(saved.code).not.toBe(0);
    expect(saved.stderr).toMatch(/evaluation\.gate\.minWinOrTie.*more can never pass/);
  });
});

async function agentModel(): Promise<unknown> {
  const store = await openStore(join(data, "alambique.db"));
  try {
    const { defaultTenant } = await import("../../store/default-tenant.js");
    const tenant = await defaultTenant(store);
    return (await store.agents.getByName(tenant.id, "la-espiga"))!.spec.model;
  } finally {
    await store.close();
  }
}
