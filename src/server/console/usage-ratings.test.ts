import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSpec } from "../api/api-server.fixture.js";
import { type ConsoleSite, chromiumPath, shoot, startConsoleSite } from "./console-site.fixture.js";

/**
 * The usage page's answer ratings per day, in real Chromium (issue 16): the
 * thumbs up and down the customers gave the agent's answers, counted on the
 * answer's day, with the share of positive ones; another tenant's are not there.
 */
describe.skipIf(!chromiumPath)("the usage page's ratings in Chromium", () => {
  let site: ConsoleSite;
  beforeAll(async () => {
    // A no-op when web/console/dist is newer than its sources.
    execFileSync(process.execPath, [
      new URL("../../../web/console/build-console.mjs", import.meta.url).pathname,
    ]);
    site = await startConsoleSite();
  }, 90_000);
  afterAll(() => site?.close());

  /** An agent of the tenant whose answers got these ratings today. */
  async function rated(tenantId: string, name: string, ratings: ("up" | "down" | null)[]): Promise<void> {
    const { store } = site.api;
    const agent = await store.agents.create({ tenantId, name, spec: agentSpec(name) as never });
    const conversation = await store.conversations.create({
      tenantId,
      agentId: agent.id,
      externalUserId: "u",
    });
    for (const rating of ratings) {
      await store.messages.append({ conversationId: conversation.id, role: "user", content: "¿Hay pan?" });
      const answer = await store.messages.append({
        conversationId: conversation.id,
        role: "assistant",
        content: "Sí.",
        metadata: { mode: "retrieval", latencyMs: 50 },
      });
      if (rating) await store.messages.setFeedback(conversation.id, answer.id, rating);
    }
  }

  it("shows each day's thumbs up and down, and the share of positive ones", async () => {
    const { other, operator } = site.api;
    const { page, context, errors } = await site.open(`${site.apiUrl}/console/#key=${other.admin}`);
    await page.getByRole("heading", { name: "Agentes" }).waitFor();
    await page.evaluate("window.location.hash = '#/usage'");
    await expect
      .poll(() => page.locator("section").textContent())
      .toMatch(/Ninguna valoración en este periodo/);

    await rated(other.tenant.id, "horno", ["up", "up", "down", null]);
    await rated(operator.tenant.id, "ajeno", ["down", "down", "down"]);
    await page.reload();
    const rows = page.locator(".ratings tbody tr");
    await expect.poll(() => rows.count()).toBe(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(await rows.last().textContent()).toBe(`${today}2167 % positivas`);
    expect(await rows.first().textContent()).toMatch(/^\d{4}-\d{2}-\d{2}00—$/);
    expect(await page.locator(".ratings tfoot").textContent()).toBe("Total2167 % positivas");
    await shoot(page, "usage-ratings");
    await page.getByLabel("Periodo").selectOption("14");
    await expect.poll(() => rows.count()).toBe(14);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
