import { constants, deflateRawSync } from "node:zlib";

/**
 * Test fixture: a real, minimal PDF (PDF 1.4, Helvetica, WinAnsi encoding)
 * with the given lines of text on each page, so the PDF path is tested on
 * actual PDF bytes without shipping binary files. Latin-1 text and `€` only.
 */
export function minimalPdf(pages: string[][]): Buffer {
  return pdfOfPages(
    pages.map((lines) =>
      Buffer.from(
        `BT /F1 12 Tf 14 TL 72 720 Td ${lines.map((line) => `(${pdfString(line)}) Tj T*`).join(" ")} ET`,
        "latin1",
      ),
    ),
  );
}

/**
 * Test fixture: a PDF whose pages have the given content streams, each
 * stored as given with `dict` entries added to its dictionary (a `/Filter`
 * for compressed ones); Helvetica is `/F1`.
 */
export function pdfOfPages(contents: Buffer[], dict = ""): Buffer {
  const objects: Buffer[] = [];
  const fontId = 3;
  const pageIds = contents.map((_, i) => 4 + i * 2);
  objects[1] = Buffer.from("<< /Type /Catalog /Pages 2 0 R >>");
  objects[2] = Buffer.from(
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${contents.length} >>`,
  );
  objects[fontId] = Buffer.from(
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  );
  contents.forEach((stream, i) => {
    const pageId = 4 + i * 2;
    objects[pageId] = Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${pageId + 1} 0 R >>`,
    );
    objects[pageId + 1] = Buffer.concat([
      Buffer.from(`<< /Length ${stream.length}${dict ? ` ${dict}` : ""} >>\nstream\n`, "latin1"),
      stream,
      Buffer.from("\nendstream"),
    ]);
  });
  return pdfOfObjects(objects);
}

/** Test fixture: a PDF file of numbered objects (index = object number; 1 is the catalog), with its xref table. */
export function pdfOfObjects(objects: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = length;
    const part = Buffer.concat([
      Buffer.from(`${id} 0 obj\n`),
      objects[id] ?? Buffer.from("null"),
      Buffer.from("\nendobj\n"),
    ]);
    parts.push(part);
    length += part.length;
  }
  let tail = `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) tail += `${String(offsets[id]).padStart(10, "0")} 00000 n \n`;
  tail += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(tail, "latin1"));
  return Buffer.concat(parts);
}

/**
 * Test fixture: a decompression bomb. A one-page PDF whose content stream is
 * `inflatedBytes` (a multiple of 1 MiB) of `byte` (spaces: PDF.js reads them all) compressed with zlib at
 * level 9: about 1 KiB of file per MiB of content, so 1 GiB of content is a
 * 1 MB file. Made without inflating anything: one 1 MiB block is deflated
 * with a full flush (which makes the compressed block independent of what
 * came before), repeated, closed with a final empty block and the Adler-32
 * of the whole computed arithmetically. The stream is valid zlib (PDF.js
 * and Node's zlib both read it to the end).
 */
export function deflateBombPdf(inflatedBytes: number, byte = 0x20): Buffer {
  const block = 2 ** 20;
  const blocks = Math.max(1, Math.round(inflatedBytes / block));
  const one = deflateRawSync(Buffer.alloc(block, byte), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  });
  const last = deflateRawSync(Buffer.alloc(0), { level: 9 });
  const zlib = Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array.from({ length: blocks }, () => one),
    last,
    adler32OfRepeated(byte, blocks * block),
  ]);
  return pdfOfPages([zlib], "/Filter /FlateDecode");
}

/** Adler-32 (big-endian, as zlib ends a stream) of `count` copies of `byte`, without the bytes. */
function adler32OfRepeated(byte: number, count: number): Buffer {
  const mod = 65521n;
  const n = BigInt(count);
  const v = BigInt(byte);
  const a = (1n + n * v) % mod;
  const b = (n + (v * n * (n + 1n)) / 2n) % mod;
  const out = Buffer.alloc(4);
  out.writeUInt32BE(Number((b << 16n) | a));
  return out;
}

/** A PDF literal string: `\\`, `(`, `)` escaped; `€` is WinAnsi 0x80 (octal 200). */
function pdfString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`).replaceAll("€", "\\200");
}
