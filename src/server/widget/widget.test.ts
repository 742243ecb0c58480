import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ask,
  chromiumPath,
  conversationOf,
  openWidget,
  screenshotDir,
  startWidgetSite,
  type WidgetSite,
} from "./widget-site.fixture.js";

/**
 * The chat widget in a real browser (Chromium, headless), as a shop's visitor
 * uses it: a business's page on one origin loads `/widget.js` from the server
 * on another; the visitor is greeted, offered quick replies, waits behind a
 * typing indicator, reads formatted answers with their source's title, rates
 * them, reloads and finds the conversation, and is told when a person takes
 * over and when the assistant is back. The demo agent answers in retrieval
 * mode (no model), over CORS, SSE and the `chat` key.
 */
describe.skipIf(!chromiumPath)("the chat widget in Chromium", () => {
  let site: WidgetSite;
  beforeAll(async () => {
    site = await startWidgetSite((spec) => spec);
  }, 60_000);
  afterAll(() => site?.close());

  it("greets, offers quick replies, types while waiting, and answers as formatted text with its source's title", async () => {
    const { page, context, errors } = await site.visit({ data: { "data-title": "La Espiga" } });
    // The answer takes a moment (a real model would): the typing indicator shows meanwhile.
    let releaseAnswer: () => void = () => {};
    const answerHeld = new Promise<void>((resolve) => {
      releaseAnswer = resolve;
    });
    await page.route("**/v1/chat/completions", async (route) => {
      await answerHeld;
      await route.continue();
    });
    await openWidget(page);
    expect(await page.locator("header h2").textContent()).toBe("La Espiga");
    expect(await page.locator(".greeting").textContent()).toContain("¡Hola! Soy Lucía");
    expect(await page.locator(".chips button").allTextContents()).toEqual([
      "¿Puedo reservar pan para que no se agote?",
      "¿Tenéis wifi para clientes?",
      "¿Se puede entrar con perro?",
    ]);

    await page.locator("textarea").fill("¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?");
    await page.locator("textarea").press("Enter");
    await expect.poll(() => page.locator(".typing").isVisible()).toBe(true);
    expect(await page.locator(".typing .sr-only").textContent()).toBe("Escribiendo…");
    expect(await page.locator(".chips").count()).toBe(0); // gone once the visitor writes
    expect(await page.locator("button.send").isDisabled()).toBe(true);
    releaseAnswer();
    await expect.poll(() => page.locator(".assistant:not(.typing)").count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.locator(".typing").count()).toBe(0);

    const answer = page.locator(".assistant").first();
    await expect.poll(() => answer.locator(".rate").count(), { timeout: 10_000 }).toBe(1);
    const text = (await answer.locator(".body").textContent()) ?? "";
    expect(text).toMatch(/Benimaclet/);
    // No citation markers, no file names: the document's title instead (tables and the like: widget-render.test.ts).
    expect(text).not.toMatch(/\[S\d\]|\.html|\.md\b/);
    expect(await answer.locator(".sources").textContent()).toMatch(/^Fuente: [^./\\]+$/);
    await page.screenshot({ path: `${screenshotDir}desktop-answer.png` });
    expect(errors).toEqual([]);
    await context.close();

    // Another visitor picks a quick reply: it is sent as their message.
    const stranger = await site.visit();
    await openWidget(stranger.page);
    await stranger.page.locator(".chips button", { hasText: "wifi" }).click();
    await expect.poll(() => stranger.page.locator(".assistant .rate").count(), { timeout: 15_000 }).toBe(1);
    expect(await stranger.page.locator(".user").textContent()).toBe("¿Tenéis wifi para clientes?");
    expect(await stranger.page.locator(".assistant .body").textContent()).toContain("LaEspiga-Clientes");
    expect(stranger.errors).toEqual([]);
    await stranger.context.close();
  }, 60_000);

  it("stores thumbs up/down with the answer, and finds the conversation and its ratings after a reload", async () => {
    const { page, context, errors } = await site.visit();
    await openWidget(page);
    await ask(page, "¿A qué hora abrís el domingo?", 1);
    await ask(page, "¿Tenéis pan de centeno?", 2);
    const conversation = await conversationOf(site, page);
    const answers = async () =>
      (await site.api.store.messages.list(conversation.id)).filter((m) => m.role === "assistant");

    const first = page.locator(".assistant").first();
    await first.getByRole("button", { name: "Me ha ayudado", exact: true }).click();
    await expect.poll(async () => (await answers())[0]!.feedback).toBe("up");
    expect(
      await first.getByRole("button", { name: "Me ha ayudado", exact: true }).getAttribute("aria-pressed"),
    ).toBe("true");
    const second = page.locator(".assistant").nth(1);
    await second.getByRole("button", { name: "No me ha ayudado", exact: true }).click();
    await expect.poll(async () => (await answers())[1]!.feedback).toBe("down");
    // Pressed again, a rating is taken back.
    await first.getByRole("button", { name: "Me ha ayudado", exact: true }).click();
    await expect.poll(async () => (await answers())[0]!.feedback).toBeUndefined();
    await first.getByRole("button", { name: "No me ha ayudado", exact: true }).click();
    await expect.poll(async () => (await answers())[0]!.feedback).toBe("down");

    // A reload: the same conversation, read back from the server, ratings included, no quick replies.
    await page.reload();
    await openWidget(page);
    await expect.poll(() => page.locator(".assistant").count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator(".user").allTextContents()).toEqual([
      "¿A qué hora abrís el domingo?",
      "¿Tenéis pan de centeno?",
    ]);
    expect(await page.locator(".chips").count()).toBe(0);
    expect(await page.locator(".log > *").first().getAttribute("class")).toBe("message greeting");
    const pressed = await page
      .locator('.rate button[aria-pressed="true"]')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
    expect(pressed).toEqual(["No me ha ayudado", "No me ha ayudado"]);
    expect(await page.locator(".assistant .body").first().textContent()).not.toMatch(/\[S\d\]|\.md\b/);
    await ask(page, "gracias, ¿y los sábados?", 3);
    expect((await conversationOf(site, page)).id).toBe(conversation.id);
    expect(await page.locator(".user").count()).toBe(3); // the new message shown once
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("says a person will answer after a handoff, shows their replies, and says when the assistant is back", async () => {
    const { page, context, errors } = await site.visit({ data: { "data-poll-ms": "200" } });
    await openWidget(page);
    expect(await page.locator(".status").isVisible()).toBe(false);
    await ask(page, "quiero hablar con una persona, por favor", 1);
    await expect.poll(() => page.locator(".status").isVisible()).toBe(true);
    expect(await page.locator(".status").textContent()).toBe(
      "Una persona del equipo te responderá aquí. Puedes seguir escribiendo.",
    );
    const conversation = await conversationOf(site, page);
    expect(conversation.status).toBe("waiting_human");
    const reply = await site.api.call(site.api.other.admin, {
      method: "POST",
      url: `/api/conversations/${conversation.id}/reply`,
      payload: { text: "¡Hola! Soy Marta, ¿en qué te ayudo?", staff: "Marta" },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    await expect.poll(() => page.locator(".human").textContent(), { timeout: 10_000 }).toContain("Soy Marta");
    expect(await page.locator(".human .staff").textContent()).toBe("Marta");
    await expect
      .poll(() => page.locator(".status").textContent())
      .toBe("Te está atendiendo una persona del equipo.");
    await page.screenshot({ path: `${screenshotDir}desktop-handoff.png` });

    const back = await site.api.call(site.api.other.admin, {
      method: "POST",
      url: `/api/conversations/${conversation.id}/hand-back`,
    });
    expect(back.statusCode, back.body).toBeLessThan(300);
    await expect
      .poll(() => page.locator(".note").textContent(), { timeout: 10_000 })
      .toBe("Vuelves a hablar con el asistente.");
    expect(await page.locator(".status").isVisible()).toBe(false);
    await ask(page, "¿A qué hora abrís el domingo?", 2);

    // After a reload the note is still after the person's reply, and nothing is shown twice.
    await page.reload();
    await openWidget(page);
    await expect.poll(() => page.locator(".assistant").count(), { timeout: 15_000 }).toBe(2);
    const kinds = await page.locator(".log > *").evaluateAll((items) => items.map((i) => i.className));
    expect(kinds).toEqual([
      "message greeting",
      "message user",
      "message assistant",
      "message human",
      "note",
      "message user",
      "message assistant",
    ]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("tells the visitor when the key is refused, and the page goes on", async () => {
    const { page, context } = await site.visit({ key: "alq_revoked_or_wrong" });
    await page.locator(".launcher").click();
    await expect
      .poll(() => page.locator(".error").first().textContent(), { timeout: 15_000 })
      .toMatch(/No se pudo enviar/);
    await page.locator("textarea").fill("hola");
    await page.locator("textarea").press("Enter");
    await expect.poll(() => page.locator(".error").count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator(".assistant").count()).toBe(0);
    expect(await page.locator("h1").textContent()).toBe("Panadería La Espiga");
    await context.close();
  }, 60_000);
});
