import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { defaultModelsDir } from "../api/catalog-policy.js";
import { type ModelHub, startModelHub } from "../api/model-hub.fixture.js";
import { FORGED_MODEL, type ForgedServer, startForgedServer } from "../forged-server.fixture.js";
import {
  buildConsole,
  type ConsoleSite,
  chromiumPath,
  shoot,
  startConsoleSite,
} from "./console-site.fixture.js";

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

/**
 * "Add a model" on the console's Models page, in Chromium (issue 16, item 7):
 * the operator adds a GGUF file on the server, an OpenAI-compatible engine
 * after testing the connection (another Alambique's /v1 serving a forged
 * model), and a Hugging Face file downloaded from a stand-in hub on loopback
 * with its progress bar; a tenant's admin is told the catalog is the operator's.
 */
describe.skipIf(!chromiumPath)("adding models from the console, in Chromium", () => {
  let site: ConsoleSite;
  let engine: ForgedServer;
  let hub: ModelHub;
  let gguf: string;
  // The console's server writes downloads to the default folder: a fresh owner per run, removed after.
  const owner = `forger-${process.pid}-${Date.now()}`;
  const hfFile = `${owner}/tiny-GGUF/tiny-Q8_0.gguf`;

  beforeAll(async () => {
    buildConsole();
    gguf = await forgedModelPath("tiny", 1);
    site = await startConsoleSite();
    engine = await startForgedServer();
    hub = await startModelHub({ [hfFile]: gguf }, 80);
  }, 90_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await site?.close();
    await engine?.close();
    await hub?.close();
    rmSync(join(defaultModelsDir, "hf", owner), { recursive: true, force: true });
  });

  it("adds a GGUF file, an engine after a connection test, and a Hugging Face download with progress", async () => {
    const { page, context, errors } = await site.open(
      `${site.apiUrl}/console/#key=${site.api.operator.admin}`,
    );
    await page.getByRole("link", { name: "Modelos" }).click();
    await page.getByRole("heading", { name: "Añadir un modelo" }).waitFor();
    const name = page.getByLabel("Nombre", { exact: true });
    const card = (model: string) => page.locator(".card.model h2", { hasText: model });

    // A GGUF on the server: the schema's verdict as it is typed, then the server's on the path.
    await name.fill("tiny local");
    await expect.poll(() => page.locator(".field.invalid").count()).toBe(1);
    await name.fill("tiny-local");
    await page.getByLabel("Ruta del archivo .gguf").fill(join(process.cwd(), "package.json"));
    await page.getByRole("button", { name: "Añadir modelo" }).click();
    await expect
      .poll(() => page.locator(".field.invalid .field-errors").textContent())
      .toMatch(/not a GGUF file/);
    await shoot(page, "models-add-gguf-error");
    await page.getByLabel("Ruta del archivo .gguf").fill(gguf);
    await page.getByLabel("Id de la licencia").fill("mit");
    await page.getByRole("button", { name: "Añadir modelo" }).click();
    await card("tiny-local").waitFor();
    expect(await page.locator(".add-model [aria-live]").first().textContent()).toBe(
      "tiny-local se ha añadido al catálogo.",
    );
    expect(
      await page
        .locator(".card.model", { hasText: "tiny-local" })
        .locator(".badges dd")
        .first()
        .textContent(),
    ).toBe("mit");
    // Every fact of the catalog, in this order: licence, the three opennesses, whether outputs may train.
    expect(
      await page.locator(".card.model", { hasText: "tiny-local" }).locator(".badges dt").allTextContents(),
    ).toEqual(["Licencia", "Pesos", "Datos", "Código", "Sus salidas pueden entrenar otros modelos"]);

    // An OpenAI-compatible engine: the test first (its models and a one-token chat), then the add.
    await page.getByRole("tab", { name: "Motor compatible con OpenAI" }).click();
    await name.fill("remote-tiny");
    await page.getByLabel("URL base").fill(`http://127.0.0.1:${await closedPort()}/v1`);
    await page.getByRole("button", { name: "Probar conexión" }).click();
    await expect.poll(() => page.locator(".connection").textContent()).toMatch(/engine_unreachable/);
    await page.getByLabel("URL base").fill(engine.baseURL);
    await page.getByRole("button", { name: "Probar conexión" }).click();
    await expect
      .poll(() => page.locator(".connection").textContent(), { timeout: 30_000 })
      .toMatch(/Conectado: 1 modelo en la lista, respuesta de un token en \d+ ms/);
    expect(await page.locator(".connection code").allTextContents()).toEqual([FORGED_MODEL]);
    await shoot(page, "models-add-engine");
    await page.getByRole("button", { name: "Añadir modelo" }).click();
    await card("remote-tiny").waitFor();

    // Hugging Face: offline, the server says so on the field at once; online, a progress bar until it is added.
    await page.getByRole("tab", { name: "Hugging Face" }).click();
    vi.stubEnv("HF_ENDPOINT", `http://127.0.0.1:${await closedPort()}`);
    await name.fill("tiny-hub");
    await page.getByLabel("Archivo de Hugging Face").fill(hfFile);
    await page.getByRole("button", { name: "Descargar y añadir" }).click();
    await expect
      .poll(() => page.locator(".field.invalid .field-errors").textContent())
      .toMatch(/could not reach 127\.0\.0\.1/);
    vi.stubEnv("HF_ENDPOINT", hub.url);
    await page.getByRole("button", { name: "Descargar y añadir" }).click();
    const bar = page.getByRole("progressbar", { name: "Descargando tiny-hub" });
    await expect.poll(async () => Number(await bar.getAttribute("value"))).toBeGreaterThan(0);
    await shoot(page, "models-download");
    await expect
      .poll(() => page.locator(".download").textContent(), { timeout: 30_000 })
      .toBe("tiny-hub se ha descargado y añadido.");
    await card("tiny-hub").waitFor();
    expect(await site.api.store.models.get("tiny-hub")).toMatchObject({ architecture: "llama" });
    await shoot(page, "models-added");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("tells a tenant's admin that only the operator adds models, and shows no form", async () => {
    const { page, context, errors } = await site.open(`${site.apiUrl}/console/#key=${site.api.other.admin}`);
    await page.getByRole("link", { name: "Modelos" }).click();
    await page.getByRole("heading", { name: "Modelos", exact: true }).waitFor();
    await expect.poll(() => page.locator(".notice").textContent()).toMatch(/Solo el operador del servidor/);
    expect(await page.getByRole("button", { name: "Añadir modelo" }).count()).toBe(0);
    await page.getByLabel("Idioma").selectOption("en");
    await expect.poll(() => page.locator(".notice").textContent()).toMatch(/Only the server's operator/);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
