import { describe, expect, it } from "vitest";
import { decoderFor, piecesOf } from "./pdf-stream-decoders.js";

async function decode(filter: string, data: Buffer | string, earlyChange?: number): Promise<string> {
  const decoder = decoderFor(filter, earlyChange === undefined ? {} : { earlyChange })!;
  const out: Uint8Array[] = [];
  for await (const piece of decoder(piecesOf(Buffer.from(data)))) out.push(piece);
  return Buffer.concat(out).toString("latin1");
}

/** LZW as PDF writes it (9-bit codes to start, EarlyChange 1), for short inputs: codes packed MSB first. */
function lzwCodes(codes: number[], width = 9): Buffer {
  let bits = "";
  for (const code of codes) bits += code.toString(2).padStart(width, "0");
  bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, "0");
  return Buffer.from(bits.match(/.{8}/g)!.map((byte) => Number.parseInt(byte, 2)));
}

describe("PDF stream decoders", () => {
  it("decodes LZW as PDF.js does: the spec's example, and a code for the entry being made", async () => {
    // PDF 32000-1 §7.4.4.2: 45 45 45 45 45 65 45 45 45 66 is 256 45 258 258 65 259 66 257.
    expect(await decode("LZWDecode", lzwCodes([256, 45, 258, 258, 65, 259, 66, 257]))).toBe(
      "\x2d\x2d\x2d\x2d\x2d\x41\x2d\x2d\x2d\x42",
    );
    // A clear code starts the table over; 257 ends the data (what follows is not read).
    expect(await decode("LZW", lzwCodes([97, 98, 256, 99, 257, 100]))).toBe("abc");
  });

  it("decodes RunLength, ASCIIHex and ASCII85, each stopping at its end marker", async () => {
    // 2: the next 3 bytes as they are; 253: the next byte 257 - 253 = 4 times; 128: the end.
    const runs = Buffer.from([2, 0x61, 0x62, 0x63, 253, 0x78, 128, 0x7a]);
    expect(await decode("RunLengthDecode", runs)).toBe("abcxxxx");
    expect(await decode("AHx", "48 6f\n6C61>ff")).toBe("Hola");
    expect(await decode("ASCIIHexDecode", "486")).toBe("H`");
    expect(await decode("A85", '87cURD]i,"Ebo80~>garbage')).toBe("Hello World!");
    expect(await decode("ASCII85Decode", "z~>")).toBe("\0\0\0\0");
  });

  it("ends the output where data is damaged, keeping what came before", async () => {
    expect(await decode("FlateDecode", "not zlib at all")).toBe("");
    expect(await decode("LZWDecode", lzwCodes([97, 500]))).toBe("a");
  });

  it("has no decoder for filters that do not expand text", () => {
    for (const filter of ["DCTDecode", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "Crypt", "Unknown"]) {
      expect(decoderFor(filter)).toBeUndefined();
    }
  });
});
