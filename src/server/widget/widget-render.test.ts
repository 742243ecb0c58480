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
 * How the widget renders answers: Markdown as formatted text, and anything
 * hostile as inert text. The answers are stored in the visitor's conversation
 * as an agent (or a person at the desk) could write them, and read back by
 * the widget from the server after a reload, as every answer is.
 */
describe.skipIf(!chromiumPath)("answers in the widget", () => {
  let site: WidgetSite;
  beforeAll(async () => {
    site = await startWidgetSite((spec) => ({
      ...spec,
      widget: { ...spec.widget, linkDomains: ["laespiga.example"] },
    }));
  }, 60_000);
  afterAll(() => site?.close());

  /** A visitor with one real turn, then `content` stored as the agent's answer, shown after a reload. */
  async function showStoredAnswer(content: string, metadata: Record<string, unknown> = {}) {
    const visit = await site.visit();
    await openWidget(visit.page);
    await ask(visit.page, "hola", 1);
    const conversation = await conversationOf(site, visit.page);
    await site.api.store.messages.append({
      conversationId: conversation.id,
      role: "assistant",
      content,
      metadata: metadata as never,
    });
    await visit.page.reload();
    await openWidget(visit.page);
    await expect.poll(() => visit.page.locator(".assistant").count(), { timeout: 15_000 }).toBe(2);
    return { ...visit, answer: visit.page.locator(".assistant").nth(1) };
  }

  it("shows tables, lists, bold and links to the shop's domains as formatted text, never raw Markdown", async () => {
    const markdown = [
      "Según nuestros documentos, estas son las **zonas de envío**:",
      "",
      "| Zona | Barrios | Precio |",
      "| --- | --- | ---: |",
      "| 1 | Ruzafa | 2,00 € |",
      "| 3 | Benimaclet, *Campanar* | 5,00 € |",
      "",
      "Para pedir:",
      "1. Elige tus productos",
      "2. Escríbenos antes de las `20:00`",
      "- Pago con tarjeta o Bizum",
      "- Más en [nuestra carta](https://www.laespiga.example/carta) o https://laespiga.example/envios.",
      "",
      "Fuente: envios-a-domicilio.html (Envíos a domicilio > Zonas) [S1]",
    ].join("\n");
    const { page, context, answer, errors } = await showStoredAnswer(markdown, {
      citations: [
        { id: "S1", chunkId: "c1", uri: "envios-a-domicilio.html", location: "Envíos a domicilio > Zonas" },
      ],
    });
    expect(await answer.locator("strong").first().textContent()).toBe("zonas de envío");
    expect(await answer.locator("th").allTextContents()).toEqual(["Zona", "Barrios", "Precio"]);
    expect(await answer.locator("tbody tr").count()).toBe(2);
    expect(await answer.locator("td em").textContent()).toBe("Campanar");
    expect(await answer.locator("ol li").allTextContents()).toEqual([
      "Elige tus productos",
      "Escríbenos antes de las 20:00",
    ]);
    expect(await answer.locator("ul li").count()).toBe(2);
    expect(await answer.locator("code").textContent()).toBe("20:00");
    const links = await answer
      .locator("a")
      .evaluateAll((anchors) =>
        anchors.map((a) => [
          a.textContent,
          a.getAttribute("href"),
          a.getAttribute("rel"),
          a.getAttribute("target"),
        ]),
      );
    expect(links).toEqual([
      ["nuestra carta", "https://www.laespiga.example/carta", "noopener noreferrer nofollow", "_blank"],
      [
        "https://laespiga.example/envios",
        "https://laespiga.example/envios",
        "noopener noreferrer nofollow",
        "_blank",
      ],
    ]);
    const text = (await answer.locator(".body").textContent()) ?? "";
    expect(text).not.toMatch(/\*\*|\| ---|\[S1\]|\]\(|envios-a-domicilio|`/);
    expect(await answer.locator(".sources").textContent()).toBe("Fuente: Envíos a domicilio");
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshotDir}desktop-formatted.png` });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("keeps a hostile answer inert: no script runs, no handler, no foreign or javascript: or data: link", async () => {
    const hostile = [
      '<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned=\'img\'">',
      '<a href="javascript:window.__pwned=1">click</a> <svg onload="window.__pwned=\'svg\'"></svg>',
      "[ganga](javascript:window.__pwned='md') [foto](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "[premio](https://evil.example/login) https://evil.example/steal?c=1 [mix](https://laespiga.example.evil.example/)",
      '**<iframe src="https://evil.example"></iframe>** `<b onmouseover=alert(1)>x</b>`',
      "| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
      "| --- | --- |",
      '| <style>*{display:none}</style> | " onerror="alert(1) |',
    ].join("\n");
    const { page, context, answer, errors } = await showStoredAnswer(hostile);
    await answer.hover();
    for (const cell of await answer.locator("td, th, strong, code").all()) await cell.hover();
    const dom = await answer.evaluate((element) => ({
      elements: [...element.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()),
      attributes: [...element.querySelectorAll("*")].flatMap((e) => e.getAttributeNames()),
      hrefs: [...element.querySelectorAll("a")].map((a) => a.getAttribute("href")),
    }));
    expect(
      dom.elements.filter((tag) => ["script", "img", "iframe", "svg", "style", "b"].includes(tag)),
    ).toEqual([
      "svg", // the thumbs' own icons
      "svg",
    ]);
    expect(
      dom.attributes.filter((name) => name.startsWith("on") || name === "src" || name === "style"),
    ).toEqual([]);
    expect(dom.hrefs).toEqual([]);
    // The text is there, as text, for the business to read in the desk.
    expect(await answer.locator(".body").textContent()).toContain(
      '<script>window.__pwned = "script"</script>',
    );
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("leaves sources out when the business turns them off", async () => {
    const { tenant } = site.api.other;
    const agent = (await site.api.store.agents.getByName(tenant.id, "la-espiga"))!;
    const widget = { ...(agent.spec.widget as object), showSources: false };
    await site.api.store.agents.update(tenant.id, agent.id, { ...agent.spec, widget });
    const visit = await site.visit();
    await openWidget(visit.page);
    await ask(visit.page, "¿A qué hora abrís el domingo?", 1);
    await expect.poll(() => visit.page.locator(".assistant .rate").count(), { timeout: 10_000 }).toBe(1);
    expect(await visit.page.locator(".assistant .body").textContent()).toMatch(/8:00/);
    expect(await visit.page.locator(".sources").count()).toBe(0);
    expect(await visit.page.locator(".assistant").textContent()).not.toMatch(/horarios|\.md|Fuente/i);
    await visit.context.close();
  }, 60_000);
});
