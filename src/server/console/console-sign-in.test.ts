import { describe, expect, it } from "vitest";
import { chromiumPath, shoot, useConsoleSite } from "./console-site.fixture.js";

/**
 * Signing in to the owner's console in Chromium: a wrong or non-admin key is
 * refused by name, the key never stays in the URL nor in storage after
 * sign-out, and a key revoked while signed in leaves for sign-in, saying why.
 */
describe.skipIf(!chromiumPath)("the owner's console in Chromium: signing in", () => {
  const site = useConsoleSite();

  it("refuses a wrong key clearly, keeps the key out of the URL, and forgets it on sign-out", async () => {
    const { page, context, errors } = await site.open(`${site.apiUrl}/console/`);
    await page.getByLabel("Clave de administración").fill("alq_wrong_or_revoked");
    await page.getByRole("button", { name: "Entrar" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/no se ha aceptado/);
    await page.getByLabel("Clave de administración").fill(site.api.other.chat);
    await page.getByRole("button", { name: "Entrar" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/no es de administración/);
    await shoot(page, "sign-in");

    await page.getByLabel("Clave de administración").fill(site.api.other.admin);
    await page.getByRole("button", { name: "Entrar" }).click();
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    expect(page.url()).not.toContain("alq_");
    await page.reload(); // the tab keeps it…
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    // …in English too, when chosen.
    await page.getByLabel("Idioma").selectOption("en");
    await page.getByRole("heading", { name: "Agents" }).waitFor();
    await page.getByLabel("Language").selectOption("es");
    await page.getByRole("button", { name: "Salir" }).click();
    await page.getByLabel("Clave de administración").waitFor();
    expect(await page.evaluate("JSON.stringify(sessionStorage)")).not.toContain("alq_");

    // A key revoked while signed in: back to sign-in at its next call, told why, the key forgotten.
    const { store } = site.api;
    const tenantId = site.api.other.tenant.id;
    const doomed = await store.apiKeys.create({ tenantId, name: "soon revoked", scopes: ["admin"] });
    // With the keyboard alone: the field has the focus, Enter signs in.
    expect(await page.evaluate("document.activeElement.id")).toBe("admin-key");
    await page.keyboard.type(doomed.secret);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    await store.apiKeys.revoke(tenantId, doomed.key.id);
    // The inbox's live feed may notice the revocation first and leave for sign-in before the click lands: either
    // way the console must end at sign-in, saying why.
    await page
      .getByRole("link", { name: "Modelos" })
      .click({ timeout: 5_000 })
      .catch(() => undefined);
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 20_000 }).toMatch(/revocada/);
    expect(await page.evaluate("JSON.stringify(sessionStorage)")).not.toContain("alq_");
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
