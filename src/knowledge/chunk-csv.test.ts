import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chunkCsv, sniffDelimiter } from "./chunk-csv.js";
import { collect, tempDir } from "./knowledge-test.fixture.js";
import { readTextPieces } from "./read-text.js";

async function* of(text: string): AsyncGenerator<string> {
  yield text;
}

describe("chunkCsv", () => {
  it("reads a Windows-1252 spreadsheet export with ; and € into labelled rows at spreadsheet row numbers", async () => {
    const file = join(tempDir(), "catalogo.csv");
    const text =
      'Producto;Precio;Alérgenos\r\nCroissant;1,20 €;gluten, leche\r\n\r\n"Pan; grande";4,20 €;\r\n';
    // 0x80 is € in Windows-1252: a real Excel export, not UTF-8.
    writeFileSync(file, Buffer.from(text.replaceAll("€", "\x80"), "latin1"));
    const chunks = await collect(chunkCsv(readTextPieces(file, "windows-1252")));
    expect(chunks).toEqual([
      {
        title: "Croissant",
        text: "Producto: Croissant; Precio: 1,20 €; Alérgenos: gluten, leche",
        location: "row 2",
        metadata: { Producto: "Croissant", Precio: "1,20 €", Alérgenos: "gluten, leche" },
      },
      {
        title: "Pan; grande",
        text: "Producto: Pan; grande; Precio: 4,20 €",
        location: "row 3",
        metadata: { Producto: "Pan; grande", Precio: "4,20 €", Alérgenos: "" },
      },
    ]);
  });

  it("titles FAQ rows with the question and keeps the answer in metadata", async () => {
    const csv =
      'pregunta,respuesta,categoría\n¿Abrís en agosto?,"Sí, de 7:30 a 14:30.\nY por la tarde.",horarios\n';
    const [chunk] = await collect(chunkCsv(of(csv)));
    expect(chunk).toEqual({
      title: "¿Abrís en agosto?",
      text: "Sí, de 7:30 a 14:30.\nY por la tarde.\ncategoría: horarios",
      location: "row 2",
      metadata: {
        pregunta: "¿Abrís en agosto?",
        respuesta: "Sí, de 7:30 a 14:30.\nY por la tarde.",
        categoría: "horarios",
        question: "¿Abrís en agosto?",
        answer: "Sí, de 7:30 a 14:30.\nY por la tarde.",
      },
    });
  });

  it("throws on malformed CSV, naming the line", async () => {
    await expect(collect(chunkCsv(of('a,b\n1,"unclosed\n2,3\n')))).rejects.toThrow(/line/i);
  });

  it("refuses a record longer than maxRecordChars instead of buffering the rest of the file", async () => {
    async function* runaway(): AsyncGenerator<string> {
      yield 'a,b\n1,"never closed';
      for (let i = 0; i < 40; i++) yield "x".repeat(64 * 1024);
    }
    await expect(collect(chunkCsv(runaway()))).rejects.toThrow(/max_record_size|record/i);
  });

  it("sniffs the delimiter from the header line, outside quotes", () => {
    expect(sniffDelimiter('"a;b",c,d\n1;2;3;4;5')).toBe(",");
    expect(sniffDelimiter("a;b;c")).toBe(";");
    expect(sniffDelimiter("a\tb")).toBe("\t");
    expect(sniffDelimiter("single")).toBe(",");
  });
});
