import { copyFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { ModelRegistry } from "../models/model-registry.js";
import { checkReadiness } from "../server/ops/check-readiness.js";
import type { JsonValue } from "../spec/json.js";
import type { RoutingRecord } from "../spec/routing.js";
import { AgentRuntime } from "./agent-runtime.js";
import { StudentWatch } from "./student-watch.js";
import { createTurnWorld, type TurnWorld } from "./turn/__fixtures__/turn-world.fixture.js";

/**
 * A promoted student whose file goes away, or never loads, on a real runtime:
 * real catalog (declared GGUF files), real llama.cpp for both models, real
 * SQLite. The teacher answers every turn meanwhile, `/readyz`'s check says
 * degraded (naming the agent, not the path), the log says it once, and the
 * student is back when its file is.
 */
const RECHECK_MS = 200;
let world: TurnWorld;
let dir: string;
let registry: ModelRegistry;
let runtime: AgentRuntime;
const logged: { level: string; message: string }[] = [];
const routing = { escalate: { minTokenConfidence: 0, minRetrievalConfidence: 0, repeatedQuestion: false } };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "alambique-student-watch-"));
  await copyFile(await forgedModelPath("tiny", 1), join(dir, "student.gguf"));
  // GGUF's magic, then nothing llama.cpp can load.
  await writeFile(join(dir, "broken.gguf"), Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 7)]));
  world = await createTurnWorld({ model: "student", fallbackModel: "teacher", routing });
  const spec = { ...world.spec, name: "broken", model: "broken-student", routing };
  await world.store.agents.create({
    tenantId: world.tenantId,
    name: "broken",
    spec: JSON.parse(JSON.stringify(spec)) as Record<string, JsonValue>,
  });
  registry = new ModelRegistry({
    store: world.store,
    declared: {
      student: { gguf: join(dir, "student.gguf") },
      "broken-student": { gguf: join(dir, "broken.gguf") },
      teacher: { gguf: await forgedModelPath("tiny", 2) },
    },
    llamacpp: { threads: 1, contextSize: 2048, gpu: false },
  });
  const log = (level: string) => (_fields: object, message: string) => logged.push({ level, message });
  runtime = new AgentRuntime({
    store: world.store,
    models: registry,
    studentRecheckMs: RECHECK_MS,
    log: { warn: log("warn"), info: log("info") },
  });
}, 120_000);
afterAll(async () => {
  await runtime?.dispose();
  await registry?.dispose();
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

async function answeredBy(agent: string, customer: string): Promise<RoutingRecord> {
  const result = await runtime.turn({
    tenantId: world.tenantId,
    agent,
    externalUserId: customer,
    message: "¿cuánto cuesta la tarta de queso?",
  });
  const stored = await world.store.messages.list(result.conversationId);
  return stored.at(-1)!.metadata.routing as unknown as RoutingRecord;
}

const readiness = () => checkReadiness({ store: world.store, models: registry });
const pause = () => new Promise((resolve) => setTimeout(resolve, RECHECK_MS + 50));

describe("a routed agent's student that goes missing", () => {
  it("falls back to the teacher on every turn, says so once and in readiness, and recovers with its file", async () => {
    expect(await answeredBy("rosa", "c1")).toMatchObject({ answeredBy: "student", reasons: [] });
    await rename(join(dir, "student.gguf"), join(dir, "student.moved"));
    await pause();
    for (const customer of ["c2", "c3", "c4"])
      expect(await answeredBy("rosa", customer)).toMatchObject({
        answeredBy: "teacher",
        reasons: ["student_unavailable"],
      });
    const warnings = logged.filter((l) => l.level === "warn" && l.message.includes("agent rosa"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /its student student is unavailable .*does not exist.*teacher answers/,
    );

    const degraded = await readiness();
    expect(degraded.ready).toBe(true);
    expect(degraded.checks.models.problems.join()).not.toContain("student:");
    const lines = degraded.checks.routing!.degraded;
    expect(lines.find((l) => l.startsWith("agent rosa:"))).toBe(
      "agent rosa: its student student is missing (its model file does not exist); its teacher answers every turn",
    );
    expect(JSON.stringify(degraded)).not.toContain(dir);

    await rename(join(dir, "student.moved"), join(dir, "student.gguf"));
    await pause();
    expect(await answeredBy("rosa", "c5")).toMatchObject({ answeredBy: "student" });
    expect(logged.filter((l) => l.level === "info" && l.message.includes("agent rosa"))).toHaveLength(1);
    expect((await readiness()).checks.routing!.degraded.some((l) => l.startsWith("agent rosa:"))).toBe(false);
  }, 120_000);

  it("falls back when the student's file does not load, and says so once however often it is retried", async () => {
    for (const customer of ["b1", "b2"])
      expect(await answeredBy("broken", customer)).toMatchObject({
        answeredBy: "teacher",
        reasons: ["student_unavailable"],
      });
    await pause();
    expect(await answeredBy("broken", "b3")).toMatchObject({ answeredBy: "teacher" });
    const warnings = logged.filter((l) => l.message.includes("agent broken"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe("warn");
    expect(warnings[0]!.message).toMatch(/its student broken-student is unavailable \(it did not answer/);
    // Its file looks like GGUF: readiness learns it from the runtime, without the error (it names the path).
    const ready = await checkReadiness({
      store: world.store,
      models: registry,
      studentProblems: () => runtime.studentProblems(),
    });
    expect(ready.checks.routing!.degraded).toContain(
      "agent broken: its student broken-student does not load; its teacher answers every turn",
    );
    expect(JSON.stringify(ready)).not.toContain(dir);
  }, 120_000);
});

describe("the watch's catalog reads", () => {
  it("look up only the student, never the whole catalog, where the resolver can", async () => {
    let listed = 0;
    const models = Object.assign(Object.create(registry) as ModelRegistry, {
      list: async () => {
        listed += 1;
        return registry.list();
      },
    });
    const watch = new StudentWatch({ models, recheckMs: 0 });
    const agent = { id: "a1", name: "rosa" };
    expect((await watch.health(agent, "student")).unavailable).toBe(false);
    expect((await watch.health(agent, "student")).unavailable).toBe(false);
    expect((await watch.health({ id: "a2", name: "otra" }, "nowhere")).unavailable).toBe(true);
    expect(listed).toBe(0);
  });
});
