import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { distillJobPayloadSchema } from "../../distill/loop/distill-job-payload.js";
import { addBase, F16_BASE, FORGED_TEACHER, TINY_BASE } from "../../distill/loop/distill-test.fixture.js";
import { addForgedTeacher } from "../../distill/pipeline/synth-test.fixture.js";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { ModelRegistry, type ModelRegistryOptions } from "../../models/model-registry.js";
import type { Store } from "../../spec/store.js";
import { type ApiServer, startApiServer } from "./api-server.fixture.js";

/**
 * `POST /api/distill/loops` on the real server and store, with a catalog of
 * forged models: the loop `alambique distill` would queue, or the same
 * refusals, with nothing stored.
 */
let server: ApiServer;
const catalog: ModelRegistryOptions = { store: undefined as unknown as Store };
beforeAll(async () => {
  const modelsDir = join(mkdtempSync(join(tmpdir(), "alq-loops-")), "models");
  server = await startApiServer({ models: new ModelRegistry(catalog), modelsDir });
  catalog.store = server.store;
  await seedDemoAgent(server.store, server.operator.tenant.id);
  await addForgedTeacher(server.store);
  await addForgedTeacher(server.store, "closed-teacher", {
    licenseId: "acme-research",
    outputsMayTrain: false,
  });
  await addBase(server.store, TINY_BASE, await forgedModelPath("tiny", 3));
  await addBase(server.store, F16_BASE, await forgedModelPath("small", 1));
}, 120_000);
afterAll(() => server?.close());

const start = (payload: Record<string, unknown>, key = server.operator.admin) =>
  server.call(key, { method: "POST", url: "/api/distill/loops", payload });
const loop = {
  agent: "la-espiga",
  teacher: FORGED_TEACHER,
  base: TINY_BASE,
  rows: 10,
  epochs: 1,
  contextLength: 256,
};
const jobCount = async () => (await server.store.jobs.list({})).length;

describe("POST /api/distill/loops", () => {
  it("queues the loop `alambique distill` queues, with its synthetic-data job, for a worker", async () => {
    const res = await start({ ...loop, maxTokens: 24, seed: 3 });
    expect(res.statusCode, res.body).toBe(201);
    const { job, warnings } = res.json();
    expect(job).toMatchObject({
      kind: "distill",
      status: "queued",
      progress: 0,
      loop: {
        stage: "synth",
        agent: "la-espiga",
        teacher: FORGED_TEACHER,
        base: TINY_BASE,
        student: "la-espiga-student",
        rows: 10,
        gate: null,
        promoted: false,
      },
    });
    expect(warnings).toEqual(expect.any(Array));
    const stored = (await server.store.jobs.get(job.id))!;
    expect(stored.tenantId).toBe(server.operator.tenant.id);
    const payload = distillJobPayloadSchema.parse(stored.payload);
    expect(payload).toMatchObject({
      epochs: 1,
      contextLength: 256,
      maxTokens: 24,
      seed: 3,
      allowLicense: null,
    });
    expect(payload.actor).toMatch(/^api key \S+$/);
    const synth = (await server.store.jobs.get(payload.synthJobId))!;
    expect(synth).toMatchObject({ kind: "synth", status: "queued", tenantId: server.operator.tenant.id });

    const listed = await server.call(server.operator.admin, { url: "/api/distill/jobs" });
    expect(listed.json().data.map((j: { id: string }) => j.id)).toContain(job.id);
    // Its tenant's only: another tenant sees none of it.
    const theirs = await server.call(server.other.admin, { url: "/api/distill/jobs" });
    expect(theirs.json().data).toEqual([]);
  }, 60_000);

  it("refuses what the CLI refuses, and paths or names outside the catalog, storing nothing", async () => {
    const before = await jobCount();
    const cases: [Record<string, unknown>, number, string, RegExp, string?][] = [
      [
        { ...loop, teacher: "closed-teacher" },
        403,
        "license_forbids_training",
        /outputs may not train other models \(choose a teacher whose outputs may train other models \(GET \/api\/models/,
      ],
      [
        { ...loop, teacher: "/etc/teacher.gguf" },
        404,
        "model_not_found",
        /teacher \/etc\/teacher\.gguf is not in the model catalog/,
        "teacher",
      ],
      [
        { ...loop, base: "qwen-0.5b" },
        404,
        "model_not_found",
        /choose one of GET \/api\/models: .*tiny-base/,
        "base",
      ],
      [
        { ...loop, judge: "nobody" },
        404,
        "model_not_found",
        /judge nobody is not in the model catalog/,
        "judge",
      ],
      [{ ...loop, base: F16_BASE }, 400, "training_base_not_trainable", /F32|F16/],
      [
        { ...loop, student: "la-espiga-student" },
        400,
        "usage",
        /la-espiga-student is taken: the unfinished distillation job/,
      ],
      [{ ...loop, student: "../../etc" }, 400, "invalid_request", /letters, digits/, "student"],
      [{ ...loop, rows: 5 }, 400, "invalid_request", /10/, "rows"],
      [{ ...loop, allowLicense: "acme-research" }, 400, "invalid_request", /allowLicense/],
      [{ ...loop, agent: "ghost" }, 404, "not_found", /agent/],
    ];
    for (const [payload, status, code, message, param] of cases) {
      const res = await start(payload);
      const what = `${JSON.stringify(payload)} → ${res.body}`;
      expect(res.statusCode, what).toBe(status);
      const error = res.json().error;
      expect(error.code, what).toBe(code);
      expect(error.message, what).toMatch(message);
      if (param) expect(error.param, what).toBe(param);
    }
    // Operator only: another tenant's admin key is refused, even for an agent of its own (the student would
    // join the shared catalog), and nothing is queued.
    await seedDemoAgent(server.store, server.other.tenant.id);
    const refused = await start(loop, server.other.admin);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe("insufficient_scope");
    expect(await jobCount()).toBe(before);
  }, 60_000);

  it("answers 503 on a server that was given no models folder", async () => {
    const bare = await startApiServer();
    try {
      await seedDemoAgent(bare.store, bare.operator.tenant.id);
      const res = await bare.call(bare.operator.admin, {
        method: "POST",
        url: "/api/distill/loops",
        payload: loop,
      });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().error.code).toBe("distill_unavailable");
    } finally {
      await bare.close();
    }
  }, 60_000);
});
