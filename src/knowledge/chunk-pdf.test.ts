import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chunkPdf } from "./chunk-pdf.js";
import { collect, tempDir } from "./knowledge-test.fixture.js";
import { minimalPdf } from "./pdf-file.fixture.js";

describe("chunkPdf", () => {
  it("extracts text page by page, at page N", async () => {
    const file = join(tempDir(), "carta.pdf");
    writeFileSync(
      file,
      minimalPdf([["Horario de invierno", "Abrimos a las 8:00."], [], ["Tarta de café: 3,50 €"]]),
    );
    const chunks = await collect(chunkPdf(file));
    expect(chunks.map((c) => [c.location, c.text])).toEqual([
      ["page 1", "Horario de invierno\nAbrimos a las 8:00."],
      ["page 3", "Tarta de café: 3,50 €"],
    ]);
  });

  it("throws for a damaged PDF", async () => {
    const file = join(tempDir(), "roto.pdf");
    writeFileSync(file, "%PDF-1.4\nthis is not a PDF body");
    await expect(collect(chunkPdf(file))).rejects.toMatchObject({ name: "InvalidPDFException" });
  });
});
