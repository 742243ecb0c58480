import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { runWorker } from "../../cli/worker/run-worker.js";
import { addBase, FORGED_TEACHER, TINY_BASE } from "../../distill/loop/distill-test.fixture.js";
import { addForgedTeacher } from "../../distill/pipeline/synth-test.fixture.js";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { type ConsoleSite, chromiumPath, shoot, startConsoleSite } from "./console-site.fixture.js";

/**
 * Starting a distillation loop from the console's Distill page, in Chromium:
 * the catalog's models with their licence badges to choose from, a teacher
 * whose outputs may not train refused with the server's reason (nothing
 * queued), then the loop queued, listed, and run by a real worker
 * (`runWorker`, the forged teacher and base, llama.cpp) while the page shows
 * its stage and progress without a reload.
 */
describe.skipIf(!chromiumPath)("starting a distillation loop from the console", () => {
  let site: ConsoleSite;
  let modelsDir: string;
  beforeAll(async () => {
    execFileSync(process.execPath, [
      new URL("../../../web/console/build-console.mjs", import.meta.url).pathname,
    ]);
    modelsDir = join(mkdtempSync(join(tmpdir(), "alq-console-distill-")), "models");
    site = await startConsoleSite({ modelsDir });
    const { store } = site.api;
    await seedDemoAgent(store, site.api.operator.tenant.id);
    await addForgedTeacher(store);
    await addForgedTeacher(store, "closed-teacher", { licenseId: "acme-research", outputsMayTrain: false });
    await addBase(store, TINY_BASE, await forgedModelPath("tiny", 3));
  }, 120_000);
  afterAll(() => site?.close());

  it("offers the catalog with licences, refuses a teacher whose outputs may not train, and shows the loop a worker runs", async () => {
    const { store } = site.api;
    const tenantId = site.api.operator.tenant.id;
    const { page, context, errors } = await site.open(
      `${site.apiUrl}/console/#key=${site.api.operator.admin}`,
    );
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    await page.goto(`${site.apiUrl}/console/#/distill`);
    const form = page.getByRole("form", { name: "Empezar un ciclo" });
    await form.waitFor();

    const teacher = form.getByLabel("Maestro", { exact: true });
    await expect
      .poll(() => teacher.locator("option").allTextContents())
      .toEqual(
        expect.arrayContaining([
          "forged-teacher · apache-2.0 · Sus salidas pueden entrenar otros modelos: sí",
          "closed-teacher · acme-research · Sus salidas pueden entrenar otros modelos: no",
        ]),
      );
    await form.getByLabel("Agente", { exact: true }).selectOption("la-espiga");
    await teacher.selectOption("closed-teacher");
    expect(await form.locator(".badges").first().textContent()).toBe(
      "Licenciaacme-researchSus salidas pueden entrenar otros modelosno",
    );
    expect(await form.locator(".badges .openness.closed").count()).toBe(1);
    await form.getByLabel("Base (de donde parte el alumno)").selectOption(TINY_BASE);
    await form.getByLabel("Filas sintéticas").fill("10");
    await form.getByLabel("Épocas").fill("1");
    await form.getByLabel("Tokens por ventana de entrenamiento").fill("256");
    await form.getByLabel("Máximo de tokens por llamada al modelo").fill("24");

    await form.getByRole("button", { name: "Empezar el ciclo" }).click();
    await expect
      .poll(() => form.getByRole("alert").textContent())
      .toMatch(/^No se ha empezado: .*closed-teacher.*outputs may not train other models/);
    expect(await store.jobs.list({ kind: "distill", tenantId })).toEqual([]);
    await shoot(page, "distill-start-refused");

    await teacher.selectOption(FORGED_TEACHER);
    await form.getByRole("button", { name: "Empezar el ciclo" }).click();
    await expect.poll(() => page.locator(".notice").textContent()).toMatch(/^En cola: la-espiga-student\./);
    const row = page.locator(".loops tbody tr", { hasText: "la-espiga-student" });
    await expect
      .poll(() => row.textContent())
      .toMatch(/forged-teacher → tiny-base.*1\/5 synth.*0 %.*en cola/s);
    const [queued] = await store.jobs.list({ kind: "distill", tenantId });
    expect(queued).toMatchObject({ status: "queued" });
    await shoot(page, "distill-start");

    // A worker takes it; the page follows the loop's stages as they are checkpointed, without a reload.
    const registry = new ModelRegistry({ store, modelsDir });
    const stop = new AbortController();
    const working = runWorker({
      store,
      models: () => registry,
      modelsDir,
      kinds: ["distill"],
      owner: "console-test-worker",
      leaseMs: 10_000,
      pollMs: 200,
      once: true,
      signal: stop.signal,
      log: () => undefined,
    });
    try {
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/en marcha/);
      await expect
        .poll(() => row.textContent(), { timeout: 120_000, interval: 500 })
        .toMatch(/[3-5]\/5 (train|eval|promote).*[4-8]0 %/s);
      expect(await page.locator(".jobs tbody").textContent()).toMatch(/datos sintéticos.*terminado/s);
    } finally {
      stop.abort();
      await working;
      await registry.dispose();
    }
    expect(errors).toEqual([]);
    await context.close();

    // Another tenant's owner is told that starting a loop is the operator's (the route answers it 403).
    const other = await site.open(`${site.apiUrl}/console/#key=${site.api.other.admin}`);
    await other.page.getByRole("heading", { name: "Agentes" }).waitFor();
    await other.page.goto(`${site.apiUrl}/console/#/distill`);
    await expect.poll(() => other.page.locator(".notice").first().textContent()).toMatch(/^Solo el operador/);
    expect(await other.page.getByRole("form", { name: "Empezar un ciclo" }).count()).toBe(0);
    await other.context.close();
  }, 240_000);
});
