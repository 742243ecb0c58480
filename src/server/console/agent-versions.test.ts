import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleSite, chromiumPath, shoot, startConsoleSite } from "./console-site.fixture.js";

/**
 * The agent editor's versions in real Chromium (issue 16): a save adds a
 * version, two ticked versions show their diff, and "revert" saves the old
 * spec again (with If-Match) as the newest version, back in the form, once
 * the owner has seen what it changes and confirmed (cancel changes nothing).
 */
describe.skipIf(!chromiumPath)("the console's agent versions in Chromium", () => {
  let site: ConsoleSite;
  beforeAll(async () => {
    // A no-op when web/console/dist is newer than its sources.
    execFileSync(process.execPath, [
      new URL("../../../web/console/build-console.mjs", import.meta.url).pathname,
    ]);
    site = await startConsoleSite();
  }, 90_000);
  afterAll(() => site?.close());

  it("lists each save, shows the diff of two versions, and reverts to an old one", async () => {
    const { admin, tenant } = site.api.other;
    const created = await fetch(`${site.apiUrl}/api/agents/horno`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ persona: "Marta, del horno: amable.", languages: ["es"] }),
    });
    expect(created.status, await created.text()).toBe(201);

    const { page, context, errors } = await site.open(`${site.apiUrl}/console/#key=${admin}`);
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    await page.evaluate("window.location.hash = '#/agents/horno'");
    await page.getByRole("heading", { name: "Versiones" }).waitFor();
    await page.getByLabel("Personalidad").fill("Marta, del horno: muy breve.");
    await page.getByRole("button", { name: "Guardar" }).click();
    await page.getByText("Versión 2").waitFor();
    const rows = page.locator(".versions tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toMatch(/Versión 2 \(actual\)/);

    await page.getByLabel("Comparar Versión 1").check();
    expect(await page.locator(".versions").textContent()).toMatch(/Marca dos versiones/);
    await page.getByLabel("Comparar Versión 2").check();
    const diff = page.locator(".versions .spec-diff");
    await diff.waitFor();
    expect(await diff.locator("tbody tr").count()).toBe(1);
    expect(await diff.locator("tbody tr").textContent()).toMatch(/persona.*amable\..*muy breve\./);
    await shoot(page, "agent-versions");

    // Reverting first shows what it would change and asks; cancelling sends nothing.
    await page.getByRole("button", { name: "Volver a esta versión: Versión 1" }).click();
    const asking = page.getByRole("alertdialog", { name: "¿Volver a la versión 1?" });
    await asking.waitFor();
    expect(await asking.locator(".spec-diff thead").textContent()).toMatch(/Versión 2 \(actual\).*Versión 1/);
    expect(await asking.locator(".spec-diff tbody tr").count()).toBe(1);
    expect(await asking.locator(".spec-diff tbody tr").textContent()).toMatch(
      /persona.*muy breve\..*amable\./,
    );
    expect(await page.evaluate("document.activeElement.getAttribute('role')")).toBe("alertdialog");
    await shoot(page, "agent-revert-confirm");
    await asking.getByRole("button", { name: "Cancelar" }).click();
    await expect.poll(() => asking.count()).toBe(0);
    expect(await page.getByLabel("Personalidad").inputValue()).toBe("Marta, del horno: muy breve.");
    const kept = await site.api.store.agents.getByName(tenant.id, "horno");
    expect((await site.api.store.agents.listVersions(tenant.id, kept!.id, 10)).length).toBe(2);
    expect(kept?.spec).toMatchObject({ persona: "Marta, del horno: muy breve." });

    await page.getByRole("button", { name: "Volver a esta versión: Versión 1" }).click();
    await page.getByRole("button", { name: "Volver ya a la versión 1" }).click();
    await expect.poll(() => page.getByLabel("Personalidad").inputValue()).toBe("Marta, del horno: amable.");
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.getByRole("status").textContent()).toMatch(/Vuelta a la versión 1/);
    const stored = await site.api.store.agents.getByName(tenant.id, "horno");
    expect(stored?.spec).toMatchObject({ persona: "Marta, del horno: amable." });
    const versions = await site.api.store.agents.listVersions(tenant.id, stored!.id, 10);
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);

    // The form saves over the reverted version (its ETag was taken up): no conflict.
    await page.getByLabel("Personalidad").fill("Marta, otra vez.");
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.locator(".conflict").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
