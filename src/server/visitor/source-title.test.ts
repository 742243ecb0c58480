import { describe, expect, it } from "vitest";
import { sourceTitle } from "./source-title.js";

describe("sourceTitle", () => {
  it("is the document's first heading when the passage sits under one", () => {
    expect(sourceTitle("envios-a-domicilio.html", "Home delivery > Delivery areas and fees")).toBe(
      "Home delivery",
    );
    expect(sourceTitle("/srv/shop/horarios.md", "## Horarios y festivos")).toBe("Horarios y festivos");
  });

  it("is the file name made readable for rows, pages and FAQ entries, and never a path", () => {
    expect(sourceTitle("knowledge/preguntas-frecuentes.json", "faq[4]")).toBe("Preguntas frecuentes");
    expect(sourceTitle("C:\\shop\\catalogo.csv", "row 12")).toBe("Catalogo");
    expect(sourceTitle("/srv/internal/price_list.v2.pdf", "page 3")).toBe("Price list v2");
    expect(sourceTitle("", "")).toBe("Document");
  });

  it("cuts a very long heading at a word", () => {
    const title = sourceTitle("a.md", `${"palabra ".repeat(30)}> x`);
    expect(title.length).toBeLessThanOrEqual(81);
    expect(title.endsWith("palabra…")).toBe(true);
  });
});
