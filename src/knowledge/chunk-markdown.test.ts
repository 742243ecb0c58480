import { describe, expect, it } from "vitest";
import { chunkMarkdown, cleanInline } from "./chunk-markdown.js";
import { collect, linesOf } from "./knowledge-test.fixture.js";

const chunk = (markdown: string) => collect(chunkMarkdown(linesOf(markdown)));

describe("chunkMarkdown", () => {
  it("titles and locates every chunk with its heading path; text before the first heading is at start", async () => {
    const chunks = await chunk(
      [
        "Bienvenidos.",
        "# Horarios",
        "Todo el año.",
        "## Verano",
        "De 8 a 14.",
        "### Agosto",
        "Cerrado del 1 al 15.",
        "## Invierno",
        "De 8 a 20.",
        "# Envíos",
        "En bici.",
      ].join("\n"),
    );
    expect(chunks.map((c) => [c.location, c.text])).toEqual([
      ["start", "Bienvenidos."],
      ["Horarios", "Todo el año."],
      ["Horarios > Verano", "De 8 a 14."],
      ["Horarios > Verano > Agosto", "Cerrado del 1 al 15."],
      ["Horarios > Invierno", "De 8 a 20."],
      ["Envíos", "En bici."],
    ]);
    expect(chunks[0]?.title).toBeNull();
    expect(chunks[2]?.title).toBe("Horarios > Verano");
  });

  it("keeps a code fence whole, headings inside it included", async () => {
    const fence = ["```yaml", "# not a heading", "", "hours: 8-14", "```"].join("\n");
    const chunks = await chunk(`# Config\n\nIntro.\n\n${fence}\n\nAfter.`);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.text).toBe(`Intro.\n\n${fence}\n\nAfter.`);
    expect(chunks[0]?.location).toBe("Config");
  });

  it("reads setext headings, strips inline marks from headings, and leaves front matter out", async () => {
    const chunks = await chunk(
      "---\ntitle: x\n---\nCakes\n=====\n\nText.\n\n**Custom** [orders](/o)\n---\n\nMore.",
    );
    expect(chunks.map((c) => [c.location, c.text])).toEqual([
      ["Cakes", "Text."],
      ["Cakes > Custom orders", "More."],
    ]);
  });

  it("splits a long section at paragraph boundaries, each piece under its heading", async () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) =>
      `Párrafo ${i}. ${"Pan de masa madre. ".repeat(18)}`.trim(),
    );
    const chunks = await chunk(`# Pan\n## Masa madre\n\n${paragraphs.join("\n\n")}`);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.location).toBe("Pan > Masa madre");
      expect(c.text.length).toBeLessThanOrEqual(1200);
    }
    for (const p of paragraphs) expect(chunks.some((c) => c.text.includes(p))).toBe(true);
  });

  it("gives no chunk for headings without text", async () => {
    expect(await chunk("# A\n## B\n")).toEqual([]);
  });

  it("cleans inline Markdown in heading text", () => {
    expect(cleanInline("**Horario** de `verano` y [envíos](/envios)")).toBe("Horario de verano y envíos");
  });
});
