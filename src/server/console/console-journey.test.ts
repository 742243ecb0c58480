import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { plantDistillLoop } from "../api/distill-records.fixture.js";
import { chromiumPath, phone, shoot, useConsoleSite } from "./console-site.fixture.js";

/**
 * The owner's console in a real browser (Chromium, headless), end to end, as
 * issue 16 asks it to be shown: sign in → create an agent with two documents →
 * ask it in the playground → embed the widget on a page → a visitor asks for a
 * person → the inbox shows it live → the owner replies → the visitor's widget
 * shows the reply; then the Models, Distill and Usage pages over what it made.
 * The agent answers in retrieval mode (no model). Every page is photographed
 * at desktop and phone sizes into test-results/console/.
 */
describe.skipIf(!chromiumPath)("the owner's console in Chromium: one owner's day", () => {
  const site = useConsoleSite();

  it("creates an agent with two documents, answers in the playground, and a person answers a visitor live", async () => {
    const { page, context, errors } = await site.open(`${site.apiUrl}/console/#key=${site.api.other.admin}`);
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    expect(page.url()).not.toContain("alq_"); // the sign-in link's key is gone from the address

    // Create the agent; the schema's verdict shows on the field before anything is saved.
    await page.getByRole("link", { name: "Nuevo agente" }).click();
    await page.getByLabel("Nombre", { exact: true }).fill("panaderia");
    await page.getByLabel("Personalidad").fill("Lucía, de la panadería Trigo Limpio: amable y breve.");
    await page.getByLabel("Idiomas").fill("español");
    await expect.poll(() => page.locator(".field.invalid").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Guardar" }).isDisabled()).toBe(true);
    await shoot(page, "agent-form-errors");
    await page.getByLabel("Idiomas").fill("es");
    await page.getByLabel("Temas que siempre pasan a una persona").fill("reclamaciones\ndevoluciones");
    await page.getByRole("tab", { name: "YAML" }).click();
    expect(await page.locator("#spec-yaml").inputValue()).toMatch(
      /topics:\n\s+- reclamaciones\n\s+- devoluciones/,
    );
    await shoot(page, "agent-yaml");
    await page.getByRole("tab", { name: "Formulario" }).click();
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect.poll(() => page.url()).toMatch(/#\/agents\/panaderia$/);
    await expect.poll(() => page.locator(".actions [aria-live]").textContent()).toBe("Guardado");
    const stored = await site.api.store.agents.getByName(site.api.other.tenant.id, "panaderia");
    expect(stored?.spec).toMatchObject({
      languages: ["es"],
      handoff: { topics: ["reclamaciones", "devoluciones"] },
    });

    // Another owner saves meanwhile: this one is told, shown where they differ, and nothing is overwritten.
    await site.api.call(site.api.other.admin, {
      method: "PUT",
      url: "/api/agents/panaderia",
      payload: { ...stored!.spec, greeting: "¡Hola! Soy Lucía." },
    });
    await page.getByLabel("Personalidad").fill("Otra personalidad.");
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect.poll(() => page.locator(".conflict").textContent()).toMatch(/Otra persona guardó/);
    expect(await page.locator(".conflict code").allTextContents()).toEqual(
      expect.arrayContaining(["persona", "greeting"]),
    );
    // Each field with both values: theirs, and this owner's.
    const personaRow = page.locator(".spec-diff tr", { hasText: "persona" });
    expect(await personaRow.locator(".diff-old").textContent()).toMatch(/^Lucía, de la panadería/);
    expect(await personaRow.locator(".diff-new").textContent()).toBe("Otra personalidad.");
    const greetingRow = page.locator(".spec-diff tr", { hasText: "greeting" });
    expect(await greetingRow.locator(".diff-old").textContent()).toBe("¡Hola! Soy Lucía.");
    expect(await greetingRow.locator(".diff-new").textContent()).toBe("—");
    await shoot(page, "agent-conflict");
    await page.getByRole("button", { name: "Cargar su versión" }).click();
    expect(await page.getByLabel("Saludo").inputValue()).toBe("¡Hola! Soy Lucía.");

    // Two documents, one upload, a result for each.
    await page.goto(`${site.apiUrl}/console/#/knowledge/panaderia`);
    await page.getByLabel("Añadir documentos").setInputFiles([
      { name: "horarios.md", mimeType: "text/markdown", buffer: Buffer.from(horarios) },
      { name: "envios.md", mimeType: "text/markdown", buffer: Buffer.from(envios) },
    ]);
    await expect.poll(() => page.locator(".result.added").count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => page.locator(".table tr").count()).toBe(2);

    // What the agent has of a document, a new version of it read in its place, and what a question finds.
    await page.getByRole("button", { name: "Fragmentos horarios.md" }).click();
    await expect.poll(() => page.locator(".chunks").textContent()).toMatch(/domingo abrimos de 9:00/);
    await page.getByLabel("Volver a leer horarios.md").setInputFiles({
      name: "horarios-nuevo.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(`${horarios}\nLos festivos cerramos.\n`),
    });
    await expect
      .poll(() => page.locator(".result.updated").textContent(), { timeout: 15_000 })
      .toMatch(/horarios\.md/);
    await expect.poll(() => page.locator(".table tr:not(.preview-row)").count()).toBe(2);
    await page.getByRole("button", { name: "Fragmentos horarios.md" }).click();
    await page.getByRole("button", { name: "Fragmentos horarios.md" }).click();
    await expect.poll(() => page.locator(".chunks").textContent()).toMatch(/festivos cerramos/);
    await page.getByLabel("Una pregunta de un cliente").fill("¿abrís el domingo?");
    await page.getByRole("button", { name: "Buscar", exact: true }).click();
    await expect
      .poll(() => page.locator(".hits li").first().textContent())
      .toMatch(/horarios\.md.*9:00 a 13:00/s);
    await page.getByLabel("Una pregunta de un cliente").fill("xilófono");
    await page.getByRole("button", { name: "Buscar", exact: true }).click();
    await expect.poll(() => page.locator(".knowledge-search").textContent()).toMatch(/Nada encontrado/);
    await page.getByLabel("Una pregunta de un cliente").fill("¿abrís el domingo?");
    await page.getByRole("button", { name: "Buscar", exact: true }).click();
    await expect.poll(() => page.locator(".hits li").count()).toBeGreaterThan(0);
    await shoot(page, "knowledge");

    // The playground: the customer's answer, and the owner's view beside it.
    await page.goto(`${site.apiUrl}/console/#/playground/panaderia`);
    await page.getByLabel("Tu mensaje").fill("¿A qué hora abrís el domingo?");
    await page.getByRole("button", { name: "Enviar" }).click();
    await expect
      .poll(() => page.locator(".bubble.assistant").textContent(), { timeout: 15_000 })
      .toMatch(/9:00/);
    await expect.poll(() => page.locator(".details").textContent()).toMatch(/horarios\.md/);
    expect(await page.locator(".details").textContent()).toMatch(/\d+ ms/);
    await shoot(page, "playground");

    // The widget: a chat key made here, the snippet copied onto the business's page.
    await page.goto(`${site.apiUrl}/console/#/widget/panaderia`);
    await page.getByRole("button", { name: "Crear una clave de chat para el widget" }).click();
    await expect.poll(() => page.locator("#snippet").inputValue()).toMatch(/data-key="alq_/);
    const snippet = await page.locator("#snippet").inputValue();
    await page
      .frameLocator("iframe.preview")
      .locator("[data-alambique-widget]")
      .waitFor({ state: "attached" });
    await shoot(page, "widget");
    // Only the business's site may use it from now on: a wrong origin is refused by name, nothing saved.
    await page.getByLabel("Sitios permitidos (orígenes)").fill("https://tienda.example/pedidos");
    await page.getByRole("button", { name: "Guardar sitios permitidos" }).click();
    await expect
      .poll(() => page.locator(".field.invalid .field-errors").textContent())
      .toMatch(/widget\.origins/);
    await page.getByLabel("Sitios permitidos (orígenes)").fill(site.siteUrl);
    await page.getByRole("button", { name: "Guardar sitios permitidos" }).click();
    await expect.poll(() => page.getByText("Guardado").count()).toBe(1);
    const saved = await site.api.store.agents.getByName(site.api.other.tenant.id, "panaderia");
    expect((saved!.spec as { widget: { origins: string[] } }).widget.origins).toEqual([site.siteUrl]);
    site.embed(snippet);

    // The owner watches the inbox; a visitor on the site asks for a person.
    await page.goto(`${site.apiUrl}/console/#/inbox`);
    await expect.poll(() => page.locator(".live.on").count(), { timeout: 10_000 }).toBe(1);
    // The owner asks for a sound: the switch chimes at once (two tones), which also lets later chimes play.
    // Counts the tones the page starts (Web Audio oscillators): the sound itself cannot be heard here.
    await page.evaluate(`{
      window.tones = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args) {
        window.tones++;
        return start.apply(this, args);
      };
    }`);
    await page.getByLabel("Sonido al llegar una conversación").check();
    expect(await page.evaluate("window.tones")).toBe(2);
    const visitor = await site.open(site.siteUrl);
    const widget = visitor.page.locator("[data-alambique-widget]");
    await widget.locator(".launcher").click();
    await widget.locator("textarea").fill("quiero hablar con una persona, por favor");
    await widget.locator("textarea").press("Enter");
    await expect.poll(() => widget.locator(".status").isVisible(), { timeout: 15_000 }).toBe(true);

    // Live: no reload. The badge counts it; the filter finds it.
    await expect
      .poll(() => page.locator(".nav .badge").textContent(), { timeout: 10_000 })
      .toBe("1 Necesitan una persona"); // the count, and what it counts for screen readers
    expect(await page.title()).toMatch(/^\(1\) /);
    expect(await page.evaluate("window.tones")).toBeGreaterThanOrEqual(4); // the new conversation chimed
    await page.getByRole("button", { name: /Necesitan una persona/ }).click();
    await expect.poll(() => page.locator(".conversation-item").count()).toBe(1);
    await shoot(page, "inbox");

    // By the customer's language, as the agent detected it: an English conversation comes in too.
    const english = await site.api.store.conversations.create({
      tenantId: site.api.other.tenant.id,
      agentId: stored!.id,
      externalUserId: "phone:+447700900123",
    });
    await site.api.store.messages.append({ conversationId: english.id, role: "user", content: "Hello?" });
    await site.api.store.messages.append({
      conversationId: english.id,
      role: "assistant",
      content: "Hi!",
      metadata: { mode: "retrieval", language: "en" },
    });
    await page.getByRole("button", { name: "Todas" }).click();
    await expect
      .poll(() => page.locator(".conversation-item").count(), { timeout: 10_000 })
      .toBeGreaterThan(2);
    await page.getByLabel("Idioma del cliente").focus();
    await expect
      .poll(() => page.locator("#inbox-language option").allTextContents())
      .toEqual(expect.arrayContaining(["inglés", "español"]));
    await page.getByLabel("Idioma del cliente").selectOption("en");
    await expect.poll(() => page.locator(".conversation-item").count()).toBe(1);
    expect(await page.locator(".conversation-item .who").textContent()).toMatch(/7700900123/);
    await page.getByLabel("Idioma del cliente").selectOption("es");
    await expect.poll(() => page.locator(".conversation-item").count()).toBeGreaterThan(0);
    expect(await page.locator(".conversation-item").allTextContents()).not.toContainEqual(
      expect.stringMatching(/7700900123/),
    );
    await shoot(page, "inbox-language");
    await page.getByLabel("Idioma del cliente").selectOption("");
    await page.getByRole("button", { name: /Necesitan una persona/ }).click();
    await page.locator(".conversation-item a").click();
    await expect.poll(() => page.locator(".message.user").textContent()).toMatch(/hablar con una persona/);
    await page.getByRole("button", { name: "Atender yo" }).click();
    await page.getByLabel("Responder como").fill("Marta");
    await page.getByLabel("Respuesta al cliente").fill("¡Hola! Soy Marta, ¿en qué te ayudo?");
    await page.getByRole("button", { name: "Responder", exact: true }).click();
    await expect.poll(() => page.locator(".message.human").textContent()).toMatch(/Soy Marta/);
    await shoot(page, "conversation");

    // The visitor's widget shows the person's reply, with their name.
    await expect
      .poll(() => widget.locator(".human").textContent(), { timeout: 15_000 })
      .toContain("Soy Marta");
    expect(await widget.locator(".human .staff").textContent()).toBe("Marta");
    await expect.poll(() => page.locator(".nav .badge").count()).toBe(0);

    // The catalog, with how open each model is.
    await page.goto(`${site.apiUrl}/console/#/models`);
    await expect.poll(() => page.locator(".card.model h2").textContent()).toBe("qwen2.5-7b-instruct");
    expect(await page.locator(".card.model .openness").allTextContents()).toEqual([
      "abierto",
      "cerrado",
      "abierto",
      "sí",
    ]);
    expect(await page.locator(".card.model").textContent()).not.toContain("10.0.0.7");
    // Distillation: the loop paused before promotion, with the gate's verdict; resumed from here.
    const agent = (await site.api.store.agents.getByName(site.api.other.tenant.id, "panaderia"))!;
    const loop = await plantDistillLoop(site.api.store, site.api.other.tenant.id, agent);
    await page.goto(`${site.apiUrl}/console/#/distill`);
    await expect
      .poll(() => page.locator(".loops tbody").textContent())
      .toMatch(/student-0\.5b.*no superada: win-or-tie 62%/s);
    expect(await page.locator(".scorecards tbody").textContent()).toMatch(
      /student-0\.5b v1.*3\.4 \/ 4\.1.*62 %/s,
    );
    expect(await page.locator(".card.student").textContent()).toMatch(/no superada/);
    await shoot(page, "distill");
    await page.getByRole("button", { name: "Reanudar student-0.5b" }).click();
    await expect.poll(() => page.locator(".loops .status-pill").textContent()).toBe("en cola");
    expect((await site.api.store.jobs.get(loop.job.id))?.status).toBe("queued");

    // Usage: the answers given above (the playground's, the visitor's), per day, agent and model.
    await page.goto(`${site.apiUrl}/console/#/usage`);
    const today = new Date().toISOString().slice(0, 10);
    await expect
      .poll(() => page.locator(".usage tbody tr").first().textContent())
      .toMatch(new RegExp(`${today}panaderiadocumentos / una persona[2-9]`));
    expect(await page.locator(".bars li").count()).toBe(7);
    await page.getByLabel("Periodo").selectOption("14");
    await expect.poll(() => page.locator(".bars li").count()).toBe(14);
    await shoot(page, "usage");

    // The other pages, as they are.
    for (const name of ["agents", "models"]) {
      await page.goto(`${site.apiUrl}/console/#/${name}`);
      await page.locator("h1").first().waitFor();
      await shoot(page, name);
    }
    await phoneMenuWorks(page);
    expect(errors).toEqual([]);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
    await context.close();
  }, 90_000);
});

/** At phone width the navigation folds behind a menu button that opens it. */
async function phoneMenuWorks(page: Page) {
  await page.setViewportSize(phone);
  expect(await page.locator("#main-nav").isVisible()).toBe(false);
  await page.getByRole("button", { name: "Menú" }).click();
  await page.getByRole("link", { name: "Bandeja" }).click();
  await page.getByRole("heading", { name: "Bandeja" }).waitFor();
  expect(await page.locator("#main-nav").isVisible()).toBe(false);
}

const horarios = `# Horarios

Abrimos de lunes a sábado de 8:00 a 14:00. El domingo abrimos de 9:00 a 13:00.
`;
const envios = `# Envíos a domicilio

Hacemos envíos a Ruzafa y Benimaclet por 3 euros. Los pedidos se hacen antes de las 12:00.
`;
