import { describe, expect, it } from "vitest";
import { chromiumPath, shoot, useConsoleSite } from "./console-site.fixture.js";

/**
 * The console's agent form in Chromium: tools (a webhook), guardrails and the
 * opening hours' week grid, each problem shown on its field, the server's
 * own refusals (a private webhook address) too, and the spec read back as saved.
 */
describe.skipIf(!chromiumPath)("the owner's console in Chromium: the agent form", () => {
  const site = useConsoleSite();

  it("edits tools, guardrails and opening hours, each problem on its field, the server's too", async () => {
    const { page, context, errors } = await site.open(`${site.apiUrl}/console/#key=${site.api.other.admin}`);
    await page.getByRole("link", { name: "Nuevo agente" }).click();
    await page.getByLabel("Nombre", { exact: true }).fill("cafeteria");
    await page.getByLabel("Personalidad").fill("Pablo, de la cafetería: breve.");
    await page.getByLabel("Idiomas").fill("es");
    await page.getByLabel("Abrir una incidencia").check();
    await page.getByRole("button", { name: "Añadir un webhook" }).click();
    await page.getByLabel("Nombre de la herramienta").fill("pedido");
    await page.getByLabel("Qué hace").fill("Hace un pedido de pan");
    await page.getByLabel("URL", { exact: true }).fill("pedidos");
    await expect
      .poll(() => page.locator(".webhook .field.invalid").textContent())
      .toMatch(/http:\/\/ or https:\/\//);
    await page.getByLabel("URL", { exact: true }).fill("http://10.0.0.5/pedido");
    await page.getByLabel("Temas a los que se ciñe").fill("pan\ncafé");
    await page.getByLabel(/Ocultar correos/).uncheck();

    // The week grid: Monday to Friday 9–18 to start with; Saturday gets two intervals.
    await page.getByRole("button", { name: "Poner horario" }).click();
    await page.getByLabel("Zona horaria").fill("Europa/Madrid");
    await expect.poll(() => page.locator(".hours .field.invalid").textContent()).toMatch(/IANA/);
    await page.getByLabel("Zona horaria").fill("Europe/Madrid");
    await page.getByLabel("Lunes abre 1").fill("08:00");
    await page.getByRole("button", { name: "Añadir horas (Sábado)" }).click();
    await page.getByRole("button", { name: "Añadir horas (Sábado)" }).click();
    await page.getByLabel("Sábado abre 2").fill("17:00");
    await page.getByLabel("Sábado cierra 2").fill("20:00");
    await page.getByRole("button", { name: "Quitar estas horas (Viernes)" }).click();
    await page.getByLabel("Cerrado los días").fill("2026-12-25\n2026-13-45");
    await expect.poll(() => page.locator(".field.invalid").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Guardar" }).isDisabled()).toBe(true);
    await page.getByLabel("Cerrado los días").fill("2026-12-25");

    // The server refuses what only it checks (a webhook on a private network), on the field.
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect
      .poll(() => page.locator(".webhook .field.invalid").textContent())
      .toMatch(/not a public internet address/);
    await shoot(page, "agent-tools-hours");
    await page.getByLabel("URL", { exact: true }).fill("https://pedidos.example/api");
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect.poll(() => page.url()).toMatch(/#\/agents\/cafeteria$/);
    const stored = await site.api.store.agents.getByName(site.api.other.tenant.id, "cafeteria");
    expect(stored?.spec).toMatchObject({
      tools: [
        { type: "builtin", name: "create_ticket" },
        { type: "webhook", name: "pedido", url: "https://pedidos.example/api", method: "POST" },
      ],
      guardrails: { allowedTopics: ["pan", "café"], redactPii: false },
      businessHours: {
        timeZone: "Europe/Madrid",
        weekly: {
          mon: [{ open: "08:00", close: "18:00" }],
          thu: [{ open: "09:00", close: "18:00" }],
          sat: [
            { open: "09:00", close: "14:00" },
            { open: "17:00", close: "20:00" },
          ],
        },
        closedOn: ["2026-12-25"],
      },
    });
    expect((stored!.spec as { businessHours: { weekly: object } }).businessHours.weekly).not.toHaveProperty(
      "fri",
    );
    // Read back into the form as saved.
    await page.reload();
    expect(await page.getByLabel("Sábado cierra 2").inputValue()).toBe("20:00");
    expect(await page.getByLabel("Abrir una incidencia").isChecked()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
