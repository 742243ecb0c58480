import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../spec/errors.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { addForgedTeacher } from "../pipeline/synth-test.fixture.js";
import { DISTILL_JOB_KIND } from "./distill-job-payload.js";
import { checkLoopStudentName, freeStudentName } from "./loop-student-name.js";

const dir = mkdtempSync(join(tmpdir(), "alq-loop-student-name-"));
const modelsDir = join(dir, "models");
const store = await openStore(join(dir, "alambique.db"));
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
const operator = (await defaultTenant(store)).id;
const other = (await store.tenants.create({ slug: "otra", name: "Otra" })).id;

async function loopMaking(student: string, tenantId: string) {
  return store.jobs.enqueue({ kind: DISTILL_JOB_KIND, tenantId, payload: { student } });
}

async function refusal(name: string): Promise<string> {
  const error = await checkLoopStudentName(store, modelsDir, name).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(UsageError.isInstance(error), String(error)).toBe(true);
  return (error as UsageError).message;
}

describe("a distillation loop's student name", () => {
  it("is refused when malformed, in the catalog, on disk, or being made by any tenant's unfinished loop", async () => {
    expect(await refusal("../escape")).toBe("../escape is not a model name");
    await addForgedTeacher(store, "in-catalog");
    expect(await refusal("in-catalog")).toBe("in-catalog is taken: the catalog has a model of that name");
    mkdirSync(join(modelsDir, "students"), { recursive: true });
    writeFileSync(join(modelsDir, "students", "on-disk.gguf"), "GGUF");
    expect(await refusal("on-disk")).toMatch(/^on-disk is taken: .*students\/on-disk\.gguf exists$/);

    const queued = await loopMaking("queued-one", other);
    expect(await refusal("queued-one")).toBe(
      `queued-one is taken: the unfinished distillation job ${queued.id} is making it`,
    );
    const paused = await loopMaking("paused-one", operator);
    await store.jobs.setStatus(paused.id, "paused");
    expect(await refusal("paused-one")).toMatch(/the unfinished distillation job/);
    const cancelled = await loopMaking("cancelled-one", operator);
    await store.jobs.setStatus(cancelled.id, "cancelled");
    await expect(checkLoopStudentName(store, modelsDir, "cancelled-one")).resolves.toBeUndefined();
    // Another kind of job naming a student does not hold the name.
    await store.jobs.enqueue({ kind: "synth", tenantId: operator, payload: { student: "synth-one" } });
    await expect(checkLoopStudentName(store, modelsDir, "synth-one")).resolves.toBeUndefined();
  });

  it("defaults to the first free AGENT-student-N", async () => {
    expect(await freeStudentName(store, modelsDir, "rosa")).toBe("rosa-student");
    await loopMaking("rosa-student", operator);
    writeFileSync(join(modelsDir, "students", "rosa-student-2.gguf"), "GGUF");
    expect(await freeStudentName(store, modelsDir, "rosa")).toBe("rosa-student-3");
    expect(await freeStudentName(store, modelsDir, "a".repeat(80))).toBe(`${"a".repeat(50)}-student`);
  });
});
