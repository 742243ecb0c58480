import { describe, expect, it } from "vitest";
import { BYTE_TO_CHAR, fromByteLevel, preTokenize, toByteLevel } from "./byte-level.js";

describe("GPT-2 byte-to-unicode table", () => {
  it("maps the 256 bytes to 256 distinct single code points, printable bytes to themselves", () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(BYTE_TO_CHAR.every((c) => [...c].length === 1)).toBe(true);
    expect(BYTE_TO_CHAR[0x41]).toBe("A");
    expect(BYTE_TO_CHAR[0xe9]).toBe("é");
    // The well-known GPT-2 stand-ins: NUL, space, newline, soft hyphen.
    expect([BYTE_TO_CHAR[0x00], BYTE_TO_CHAR[0x20], BYTE_TO_CHAR[0x0a], BYTE_TO_CHAR[0xad]]).toEqual([
      "Ā",
      "Ġ",
      "Ċ",
      "Ń",
    ]);
  });

  it("round-trips any text through its byte-level form", () => {
    const text = "¿Cuándo abren? Año 2025 — 🍞🚲\n\ttab\u0000";
    expect(toByteLevel(" ñ")).toBe("ĠÃ±");
    expect(fromByteLevel(toByteLevel(text))).toBe(text);
  });
});

describe("Llama-3 pre-tokenizer", () => {
  it.each<[string, string[]]>([
    ["Hello world", ["Hello", " world"]],
    ["I'm here, we'VE gone", ["I", "'m", " here", ",", " we", "'VE", " gone"]],
    ["Order 1234567 now", ["Order", " ", "123", "456", "7", " now"]],
    ["wait...  really?!\n\nYes", ["wait", "...", " ", " really", "?!\n\n", "Yes"]],
    ["¿Cuándo abren?", ["¿Cuándo", " abren", "?"]],
    ["4,50 €", ["4", ",", "50", " €"]],
    ["a  \n b", ["a", "  \n", " b"]],
    ["end   ", ["end", "   "]],
  ])("splits %j like llama.cpp", (text, pieces) => {
    expect(preTokenize(text)).toEqual(pieces);
  });

  it("loses nothing: the pieces join back to the text", () => {
    const text = "Mixed: 3.14159, naïve café — ÇA\r\n\r\n  x\u00a0y 😀 'tis";
    expect(preTokenize(text).join("")).toBe(text);
  });
});
