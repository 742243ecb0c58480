import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ask,
  chromiumPath,
  computedStyle,
  focused,
  openWidget,
  phone,
  screenshotDir,
  startWidgetSite,
  type WidgetSite,
} from "./widget-site.fixture.js";

/**
 * The widget for every visitor: used with the keyboard alone, described to
 * screen readers, themed from its script tag, and full screen on a phone.
 * Screenshots at desktop (1280×800) and phone (390×844) sizes go to
 * test-results/widget/.
 */
describe.skipIf(!chromiumPath)("the widget's accessibility, theming and phone layout", () => {
  let site: WidgetSite;
  beforeAll(async () => {
    site = await startWidgetSite((spec) => spec);
  }, 60_000);
  afterAll(() => site?.close());

  it("is used with the keyboard alone: Tab, Enter, focus kept in the open panel, Escape closes", async () => {
    const { page, context, errors } = await site.visit();
    await page.screenshot({ path: `${screenshotDir}desktop-closed.png` });
    // The page's own link, then the launcher.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("button.launcher [Abrir el chat]");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".greeting").count(), { timeout: 15_000 }).toBe(1);
    expect(await focused(page)).toBe("textarea. [Escribe tu mensaje…]");
    expect(await page.locator(".launcher").getAttribute("aria-expanded")).toBe("true");

    await page.keyboard.type("¿A qué hora abrís el domingo?");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".assistant .rate").count(), { timeout: 15_000 }).toBe(1);
    expect(await focused(page)).toBe("textarea. [Escribe tu mensaje…]");

    // Tab goes round the panel's controls and never leaves it.
    const order: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      order.push(await focused(page));
    }
    expect(order).toEqual([
      "button.send [Enviar]",
      "button.close [Cerrar el chat]",
      "button. [Me ha ayudado]",
      "button. [No me ha ayudado]",
      "textarea. [Escribe tu mensaje…]",
      "button.send [Enviar]",
    ]);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    expect(await focused(page)).toBe("button. [No me ha ayudado]");
    await page.keyboard.press("Enter"); // rates the answer with the keyboard
    await expect.poll(() => page.locator('.rate button[aria-pressed="true"]').count()).toBe(1);
    for (let i = 0; i < 5; i++) await page.keyboard.press("Shift+Tab"); // five controls
    expect(await focused(page)).toBe("button. [No me ha ayudado]"); // round the other way too

    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".panel").isVisible()).toBe(false);
    expect(await focused(page)).toBe("button.launcher [Abrir el chat]");
    // Reopened with Space, and closed with its close button by keyboard.
    await page.keyboard.press(" ");
    await expect.poll(() => page.locator(".panel").isVisible()).toBe(true);
    expect(await focused(page)).toBe("textarea. [Escribe tu mensaje…]");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+Tab"); // the answer's thumbs, then close
    expect(await focused(page)).toBe("button.close [Cerrar el chat]");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".panel").isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("is a labelled modal dialog, with an SVG launcher and labelled controls", async () => {
    const { page, context } = await site.visit({ data: { "data-lang": "en" } });
    const launcher = page.locator(".launcher");
    expect(await launcher.locator("svg").count()).toBe(1);
    expect(((await launcher.textContent()) ?? "").trim()).toBe(""); // no emoji, no text glyph
    expect(await launcher.getAttribute("aria-label")).toBe("Open the chat");
    await openWidget(page);
    const dialog = page.getByRole("dialog", { name: "Panadería La Espiga" });
    expect(await dialog.getAttribute("aria-modal")).toBe("true");
    expect(await page.getByRole("log").getAttribute("aria-live")).toBe("polite");
    expect(await page.getByRole("textbox", { name: "Type your message…" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Send" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Close the chat" }).count()).toBe(2); // header, launcher
    expect(await page.getByRole("group", { name: "Frequent questions" }).count()).toBe(1);
    expect(await page.locator(".greeting").textContent()).toContain("Hi! I'm Lucía");
    await ask(page, "I want to speak to a person", 1);
    expect(await page.getByRole("status").textContent()).toBe(
      "A person from the team will answer here. You can keep writing.",
    );
    expect(await page.getByRole("group", { name: "Was this answer helpful?" }).count()).toBe(1);
    // Every icon is hidden from screen readers; its button carries the name.
    const unlabelled = await page
      .locator("button")
      .evaluateAll(
        (buttons) => buttons.filter((b) => !b.getAttribute("aria-label") && !b.textContent?.trim()).length,
      );
    expect(unlabelled).toBe(0);
    expect(await page.locator('svg:not([aria-hidden="true"])').count()).toBe(0);
    await context.close();
  }, 60_000);

  it("takes its colour, side, title and avatar from the script tag, and fills a phone's screen", async () => {
    const avatar = `${site.siteUrl}/avatar.svg`;
    const { page, context, errors } = await site.visit({
      viewport: phone,
      data: {
        "data-color": "#1d4ed8",
        "data-position": "left",
        "data-title": "Obrador Lucía",
        "data-avatar": avatar,
      },
    });
    const launcherBox = (await page.locator(".launcher").boundingBox())!;
    expect(launcherBox.x).toBeLessThan(40); // on the left
    expect(await computedStyle(page.locator(".launcher"), "backgroundColor")).toBe("rgb(29, 78, 216)");
    await page.screenshot({ path: `${screenshotDir}phone-closed.png` });
    await openWidget(page);
    expect(await page.locator("header h2").textContent()).toBe("Obrador Lucía");
    expect(await page.locator("header .avatar").getAttribute("src")).toBe(avatar);
    await expect.poll(() => page.locator("header .avatar").isVisible()).toBe(true);
    expect(await computedStyle(page.locator("header"), "backgroundColor")).toBe("rgb(29, 78, 216)");
    // Full screen, the launcher under it, and 16px inputs (iOS zooms into smaller ones).
    expect(await page.locator(".panel").boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await page.locator(".launcher").isVisible()).toBe(false);
    expect(await computedStyle(page.locator("textarea"), "fontSize")).toBe("16px");
    await ask(page, "¿Hacéis envíos a Benimaclet?", 1);
    await page.screenshot({ path: `${screenshotDir}phone-answer.png` });
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".launcher").isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();

    // A colour the browser does not understand, a position it does not know, a javascript: avatar: defaults.
    const odd = await site.visit({
      data: {
        "data-color": "red; background: url(x)",
        "data-position": "top",
        "data-avatar": "javascript:alert(1)",
      },
    });
    expect(await computedStyle(odd.page.locator(".launcher"), "backgroundColor")).toBe("rgb(138, 75, 20)");
    expect((await odd.page.locator(".launcher").boundingBox())!.x).toBeGreaterThan(1000);
    await openWidget(odd.page);
    expect(await odd.page.locator("header .avatar").getAttribute("src")).toBeNull();
    expect(await odd.page.locator("header .avatar").isVisible()).toBe(false);
    expect(await odd.page.locator("header h2").textContent()).toBe("Panadería La Espiga");
    await odd.page.screenshot({ path: `${screenshotDir}desktop-open.png` });
    expect(odd.errors).toEqual([]);
    await odd.context.close();
  }, 60_000);
});
