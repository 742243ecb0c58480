import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  distillDemoStore,
  F16_BASE,
  FORGED_TEACHER,
  SHUT_GATE,
  TINY_BASE,
} from "../../distill/loop/distill-test.fixture.js";
import { enqueueDistillJob } from "../../distill/loop/enqueue-distill-job.js";
import { addForgedTeacher } from "../../distill/pipeline/synth-test.fixture.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { openStore } from "../../store/open-store.js";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";

/**
 * `alambique distill …` on the demo bakery with forged models: bad input
 * refused before anything is queued, with the closest names; then the whole
 * loop end to end in one progress view, paused by Ctrl-C while training,
 * resumed by `distill resume`, and ending on a gate the student does not
 * meet: the failed criteria listed with by how much, exit 1, the student kept
 * and not promoted.
 */
let data: string;
let agentId: string;
const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
const loop = ["--rows", "10", "--epochs", "2", "--ctx", "256", "--max-tokens", "24"];

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "alq-cli-distill-"));
  const demo = await distillDemoStore(data, SHUT_GATE);
  agentId = demo.agent.id;
  await demo.store.close();
}, 120_000);

describe("alambique distill", () => {
  it("refuses an unknown agent, teacher or base with the closest name, a base that cannot train, too few rows, and queues nothing", async () => {
    const distill = (agent: string, teacher: string, base: string, ...extra: string[]) =>
      cli("distill", agent, "--teacher", teacher, "--base", base, ...extra);
    const agent = await distill("la-espig", FORGED_TEACHER, TINY_BASE);
    expect(agent.code).toBe(1);
    expect(agent.stderr).toMatch(/agent not found: la-espig\n.*did you mean la-espiga\?/);
    const teacher = await distill("la-espiga", "forged-teachr", TINY_BASE);
    expect(teacher.stderr).toMatch(/teacher model not found: forged-teachr\n.*did you mean forged-teacher\?/);
    const base = await distill("la-espiga", FORGED_TEACHER, "tiny-bse");
    expect(base.stderr).toMatch(/base model not found: tiny-bse\n.*did you mean tiny-base\?/);
    const f16 = await distill("la-espiga", FORGED_TEACHER, F16_BASE);
    expect(f16.code).toBe(1);
    expect(f16.stderr).toMatch(/weight matrices that are not F32/);
    expect(f16.stderr).toMatch(/models forge --f32/);
    const few = await distill("la-espiga", FORGED_TEACHER, TINY_BASE, "--rows", "5");
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/--rows: 5 is too few/);
    const taken = await distill("la-espiga", FORGED_TEACHER, TINY_BASE, "--name", FORGED_TEACHER);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/forged-teacher is taken: the catalog has a model of that name/);
    const noBase = await cli("distill", "la-espiga", "--teacher", FORGED_TEACHER);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toMatch(/missing --base/);

    expect(JSON.parse((await cli("distill", "status", "--json")).stdout)).toEqual([]);
    expect(JSON.parse((await cli("synth", "status", "--json")).stdout)).toEqual([]);
  });

  it("runs the loop in one progress view; Ctrl-C pauses it while training, `distill resume` finishes it, and a gate not met is listed", async () => {
    const run = spawnCli([
      ...["distill", "la-espiga", "--teacher", FORGED_TEACHER, "--base", TINY_BASE, "--name", "espiga-mini"],
      ...[...loop, "--data", data],
    ]);
    await run.waitFor(/^epoch 1: train loss/m, 240_000);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    const first = run.output().stderr;
    const jobId =
      /^job (\S+): distill espiga-mini for la-espiga from tiny-base, taught by forged-teacher/m.exec(
        first,
      )![1]!;
    expect(first).toMatch(/^\[1\/5\] synthetic data: 10 rows for la-espiga by forged-teacher \(job \S+\)$/m);
    expect(first).toMatch(/^synth: 10\/10 rows \(100\.0%\)/m);
    expect(first).toMatch(/^\[2\/5\] froze la-espiga@1: \d+ train, \d+ validation, 1 test rows/m);
    expect(first).toMatch(
      /^\[3\/5\] train espiga-mini from tiny-base on la-espiga@1: 2 epochs, 256-token windows \(job \S+\)$/m,
    );
    expect(first).toContain(`job ${jobId} is paused at stage train; \`alambique distill resume ${jobId}\``);
    const paused = JSON.parse((await cli("distill", "status", jobId, "--json")).stdout);
    expect(paused).toMatchObject({ status: "paused", stage: "train", promoted: false });

    const resumed = await cli("distill", "resume", jobId.slice(0, 18));
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(resumed.stderr).not.toMatch(/^\[[12]\/5\]/m);
    expect(resumed.stderr).toMatch(/^\[3\/5\] train espiga-mini .*, resumed\)$/m);
    expect(resumed.stderr).toMatch(/^resuming after epoch 1 of 2$/m);
    expect(resumed.stderr).toMatch(
      /^\[4\/5\] evaluate espiga-mini against forged-teacher on la-espiga@1's test split/m,
    );
    expect(resumed.stderr).toMatch(/^eval: done$/m);
    expect(resumed.stderr).toMatch(/^\[5\/5\] not promoted: espiga-mini does not meet la-espiga's gate$/m);
    expect(resumed.stderr).toMatch(
      /^error: espiga-mini does not meet la-espiga's gate, so it was not promoted:$/m,
    );
    // The gate asks for 5 times the reference's rubric: missed, and by how much.
    expect(resumed.stderr).toMatch(
      /^ {2}- rubric: the candidate's mean [\d.]+ is under 500\.0% of the reference's [\d.]+ \([\d.]+\), [\d.]+ short/m,
    );
    expect(resumed.stderr).toMatch(/students promote espiga-mini --agent la-espiga --force --why TEXT/);
    expect(resumed.stdout).toMatch(/^ {2}gate {7}not passed$/m);
    expect(resumed.stdout).toMatch(/^ {2}promoted {3}no: espiga-mini is kept in the catalog$/m);

    const status = JSON.parse((await cli("distill", "status", jobId, "--json")).stdout);
    expect(status).toMatchObject({
      status: "succeeded",
      stage: "done",
      promoted: false,
      gate: { passed: false },
    });
    expect(status.gate.failures.join()).toMatch(/^rubric: /);
    expect((await cli("students", "show", "espiga-mini")).code).toBe(0);
    expect((await cli("eval", "show", status.scorecard)).stdout).toMatch(/^gate: not passed$/m);
    const store = await openStore(join(data, "alambique.db"));
    const agent = await store.agents.get((await store.tenants.list())[0]!.id, agentId);
    await store.close();
    expect(agent?.spec.model).toBeUndefined();

    const again = await cli("distill", "resume", jobId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has succeeded: there is nothing to resume/);
  }, 400_000);

  it("says which stage stopped, its sub-job's error and how to resume; resumed once fixed, it goes on there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alq-cli-distill-stop-"));
    const demo = await distillDemoStore(dir, SHUT_GATE);
    const models = new ModelRegistry({ store: demo.store });
    const { job, payload } = await enqueueDistillJob(demo.store, models, {
      tenantId: demo.tenant.id,
      modelsDir: join(dir, "models"),
      agent: "la-espiga",
      teacher: FORGED_TEACHER,
      base: TINY_BASE,
      rows: 10,
      actor: "test",
    });
    // The teacher goes from the catalog after the loop was queued: its first stage cannot load it.
    await demo.store.models.remove(FORGED_TEACHER);
    await demo.store.close();
    const cliIn = (...argv: string[]) => runCli([...argv, "--data", dir], {});
    const stopped = await cliIn("distill", "resume", job.id, "--json");
    expect(stopped.code).toBe(1);
    expect(JSON.parse(stopped.stdout)).toMatchObject({
      id: job.id,
      status: "paused",
      stage: "synth",
      jobs: { synth: payload.synthJobId, train: null, eval: null },
      promoted: false,
      stopped: { stage: "synth", jobId: payload.synthJobId, outcome: "paused" },
    });
    expect(stopped.stderr).toContain(
      `error: stage 1/5 (synth, job ${payload.synthJobId}: \`alambique synth status ${payload.synthJobId}\`) stopped: model not found: ${FORGED_TEACHER}`,
    );
    expect(stopped.stderr).toContain(
      `fix: the cause above, then \`alambique distill resume ${job.id}\` goes on from that stage, resuming job ${payload.synthJobId}`,
    );
    expect(JSON.parse((await cliIn("distill", "status", job.id, "--json")).stdout)).toMatchObject({
      status: "paused",
      stage: "synth",
    });
    expect(JSON.parse((await cliIn("synth", "status", payload.synthJobId, "--json")).stdout)).toMatchObject({
      status: "paused",
    });

    // Fixed (the teacher back), `distill resume` resumes the paused sub-job (Ctrl-C pauses both again).
    const store = await openStore(join(dir, "alambique.db"));
    await addForgedTeacher(store);
    await store.close();
    const run = spawnCli(["distill", "resume", job.id, "--data", dir]);
    const resumed = new RegExp(`^\\[1/5\\] synthetic data: .*\\(job ${payload.synthJobId}, resumed\\)$`, "m");
    await run.waitFor(/^synth: \d+\/10 rows/m, 120_000);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.output().stderr).toMatch(resumed);
    expect(run.output().stderr).toContain(`job ${job.id} is paused at stage synth`);
  }, 300_000);
});
