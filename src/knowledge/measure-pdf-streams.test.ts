import { brotliCompressSync, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { measurePdfStreams } from "./measure-pdf-streams.js";
import { deflateBombPdf, minimalPdf, pdfOfObjects, pdfOfPages } from "./pdf-file.fixture.js";

const mib = 2 ** 20;
const content = Buffer.from("BT /F1 12 Tf 72 720 Td (Horario de invierno) Tj ET ".repeat(1000));

/** A stream object: `dict` entries, then the data. */
function stream(dict: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`<< /Length ${data.length} ${dict} >>\nstream\n`),
    data,
    Buffer.from("\nendstream"),
  ]);
}

function ascii85(data: Buffer): Buffer {
  let out = "";
  for (let i = 0; i < data.length; i += 4) {
    const group = Buffer.alloc(4);
    data.copy(group, 0, i, i + 4);
    let value = group.readUInt32BE(0);
    const n = Math.min(4, data.length - i);
    if (value === 0 && n === 4) {
      out += "z";
      continue;
    }
    const chars: string[] = [];
    for (let j = 0; j < 5; j++) {
      chars.unshift(String.fromCharCode(33 + (value % 85)));
      value = Math.floor(value / 85);
    }
    out += chars.slice(0, n + 1).join("");
  }
  return Buffer.from(`${out}~>`);
}

describe("measurePdfStreams", () => {
  it("counts what every stream inflates to, through chains of filters", async () => {
    const flate = deflateSync(content);
    const pdf = pdfOfObjects([
      Buffer.alloc(0),
      Buffer.from("<< /Type /Catalog >>"),
      stream("", content),
      stream("/Filter /FlateDecode", flate),
      stream("/Filter [/FlateDecode /FlateDecode]", deflateSync(flate)),
      stream("/Filter [/ASCIIHexDecode /FlateDecode]", Buffer.from(`${flate.toString("hex")}>`)),
      stream("/Filter [/A85 /Fl]", ascii85(flate)),
      stream("/Filter /BrotliDecode", brotliCompressSync(content)),
      // #xx escapes in names are decoded, as PDF.js does.
      stream("/Filter /Fl#61teDecode", flate),
    ]);
    expect(await measurePdfStreams(pdf, 64 * mib)).toEqual({
      decodedBytes: 7 * content.length,
      over: false,
      encrypted: false,
    });
  });

  it("stops just past the limit on a bomb, however far it would inflate", async () => {
    const measured = await measurePdfStreams(deflateBombPdf(1024 * mib), 16 * mib);
    expect(measured.over).toBe(true);
    expect(measured.decodedBytes).toBeGreaterThan(16 * mib);
    expect(measured.decodedBytes).toBeLessThan(17 * mib);
  });

  it("finds a bomb behind a chain (Flate of Flate), an indirect /Filter and an indirect /Length", async () => {
    const twice = deflateSync(deflateSync(Buffer.alloc(64 * mib, 0x20), { level: 9 }), { level: 9 });
    expect(twice.length).toBeLessThan(64 * 1024);
    const chained = pdfOfPages([twice], "/Filter [/FlateDecode /FlateDecode]");
    expect((await measurePdfStreams(chained, 32 * mib)).over).toBe(true);

    const once = deflateSync(Buffer.alloc(64 * mib, 0x20), { level: 9 });
    const indirect = pdfOfObjects([
      Buffer.alloc(0),
      Buffer.from("<< /Type /Catalog >>"),
      Buffer.concat([
        Buffer.from("<< /Length 4 0 R /Filter 3 0 R >>\nstream\n"),
        once,
        Buffer.from("\nendstream"),
      ]),
      Buffer.from("[/FlateDecode]"),
      Buffer.from(String(once.length)),
    ]);
    expect((await measurePdfStreams(indirect, 32 * mib)).over).toBe(true);
  });

  it("leaves images out (text extraction never decodes them) and flags an encrypted file", async () => {
    const image = deflateSync(Buffer.alloc(8 * mib));
    const pdf = pdfOfObjects([
      Buffer.alloc(0),
      Buffer.from("<< /Type /Catalog >>"),
      stream("/Type /XObject /Subtype /Image /Width 2048 /Height 4096 /Filter /FlateDecode", image),
    ]);
    expect(await measurePdfStreams(pdf, mib)).toEqual({ decodedBytes: 0, over: false, encrypted: false });
    const encrypted = Buffer.from(
      pdf.toString("latin1").replace("/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Standard >>"),
      "latin1",
    );
    expect((await measurePdfStreams(encrypted, mib)).encrypted).toBe(true);
  });

  it("measures an ordinary PDF quickly: 3,000 pages", async () => {
    const pdf = minimalPdf(Array.from({ length: 3000 }, (_, i) => [`Página ${i + 1}`]));
    const started = performance.now();
    const measured = await measurePdfStreams(pdf, 64 * mib);
    expect(measured.over).toBe(false);
    expect(measured.decodedBytes).toBeGreaterThan(3000 * 30);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("refuses a stream whose /Filter names an object that is not in the file", async () => {
    const pdf = pdfOfObjects([
      Buffer.alloc(0),
      Buffer.from("<< /Type /Catalog >>"),
      stream("/Filter 99 0 R", deflateSync(content)),
    ]);
    await expect(measurePdfStreams(pdf, mib)).rejects.toMatchObject({ name: "InvalidPDFException" });
  });
});
