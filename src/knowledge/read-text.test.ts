import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDecoder, detectEncoding } from "./decode-text.js";
import { collect, tempDir } from "./knowledge-test.fixture.js";
import { maxLineChars, readHead, readLines } from "./read-text.js";

describe("reading text files", () => {
  it("streams lines, with \\r\\n cut across 64 KiB pieces and a last line without a newline", async () => {
    const file = join(tempDir(), "big.txt");
    const first = "a".repeat(64 * 1024 - 1);
    // The \r is the last byte of the first piece and its \n the first byte of the next.
    writeFileSync(file, `${first}\r\nsecond\rthird\n\nlast`);
    const lines = await collect(readLines(file, "utf-8"));
    expect(lines.map((l) => (l.length > 20 ? l.length : l))).toEqual([
      first.length,
      "second",
      "third",
      "",
      "last",
    ]);
  });

  it("cuts a line longer than maxLineChars, so a minified file never sits whole in memory", async () => {
    const file = join(tempDir(), "minified.json");
    writeFileSync(file, "y".repeat(maxLineChars * 2 + 10));
    const lines = await collect(readLines(file, "utf-8"));
    expect(lines.map((l) => l.length)).toEqual([maxLineChars, maxLineChars, 10]);
  });

  it("decodes UTF-8 with a BOM and multi-byte characters cut across pieces", async () => {
    const file = join(tempDir(), "bom.txt");
    const text = `${"x".repeat(64 * 1024 - 1)}ñ€\nfin`;
    writeFileSync(file, `\uFEFF${text}`);
    expect(detectEncoding(await readHead(file))).toBe("utf-8");
    expect((await collect(readLines(file, "utf-8"))).join("\n")).toBe(text);
  });

  it("decodes Windows-1252 (€ is 0x80) and UTF-16 with a BOM", () => {
    expect(createDecoder("windows-1252").decode(new Uint8Array([0x80, 0x20, 0xe9, 0x9c]))).toBe("€ éœ");
    const utf16 = createDecoder("utf-16le");
    expect(utf16.decode(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0xf1]))).toBe("A");
    expect(utf16.decode(new Uint8Array([0x00])) + utf16.decode()).toBe("ñ");
  });
});
