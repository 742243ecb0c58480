import { describe, expect, it } from "vitest";
import { trainBpe } from "./bpe-trainer.js";
import { toByteLevel } from "./byte-level.js";
import { readForgeCorpus } from "./forge-corpus.js";
import {
  buildLlama3Vocab,
  isStandaloneText,
  LLAMA3_SPECIAL_TOKENS,
  padLlama3Vocab,
  TOKEN_TYPE,
} from "./llama3-vocab.js";

describe("isStandaloneText", () => {
  it.each([["a"], [" panadería"], ["\n\n"], ["\t"], ["ñ"], ["🍞"]])("accepts %j", (text) => {
    expect(isStandaloneText(toByteLevel(text))).toBe(true);
  });

  it("rejects partial UTF-8 and control characters", () => {
    const nTilde = toByteLevel("ñ"); // two bytes
    expect(isStandaloneText(nTilde.slice(0, 1))).toBe(false);
    expect(isStandaloneText(nTilde.slice(1))).toBe(false);
    expect(isStandaloneText(`Ġ${nTilde.slice(0, 1)}`)).toBe(false);
    for (const control of ["\u0000", "\u001d", "\r", "\u007f", "\u0085"]) {
      expect(isStandaloneText(toByteLevel(control))).toBe(false);
    }
  });
});

describe("buildLlama3Vocab", () => {
  it("appends Llama 3's special tokens as control tokens after the learned ones", async () => {
    const bpe = trainBpe(await readForgeCorpus(), { maxMerges: 300 });
    const vocab = buildLlama3Vocab(bpe);
    expect(vocab.tokens.slice(0, bpe.tokens.length)).toEqual(bpe.tokens);
    expect(vocab.tokens.slice(bpe.tokens.length)).toEqual([...LLAMA3_SPECIAL_TOKENS]);
    expect(vocab.tokens).not.toContain("<|eom_id|>");
    for (const text of LLAMA3_SPECIAL_TOKENS) {
      expect(vocab.tokens[vocab.special[text]]).toBe(text);
      expect(vocab.tokenTypes[vocab.special[text]]).toBe(TOKEN_TYPE.control);
    }
    expect(vocab.merges[0]).toBe(bpe.merges[0]!.join(" "));
  });

  it("suppresses partial bytes, control characters and specials that do not end a turn", async () => {
    const vocab = buildLlama3Vocab(trainBpe(await readForgeCorpus(), { maxMerges: 2000, minFrequency: 1 }));
    const suppressed = (text: string) => vocab.suppressed[vocab.tokens.indexOf(text)];
    expect(suppressed("a")).toBe(0);
    expect(suppressed("Ċ")).toBe(0); // newline
    expect(suppressed("Ã")).toBe(1); // lead byte of "ñ", "é", ...
    expect(suppressed("Ā")).toBe(1); // NUL
    expect(suppressed("<|eot_id|>")).toBe(0);
    expect(suppressed("<|end_of_text|>")).toBe(0);
    expect(suppressed("<|begin_of_text|>")).toBe(1);
    expect(suppressed("<|start_header_id|>")).toBe(1);
    // At least the 128 non-ASCII single bytes; the learned vocabulary is nearly all whole text.
    const count = vocab.suppressed.reduce((a, b) => a + b, 0);
    expect(count).toBeGreaterThan(128);
    expect(count).toBeLessThan(vocab.tokens.length / 10);
  });
});

describe("padLlama3Vocab", () => {
  it("appends unused, suppressed, uniquely named tokens up to the size, keeping the rest", async () => {
    const vocab = buildLlama3Vocab(trainBpe(await readForgeCorpus(), { maxMerges: 300 }));
    const have = vocab.tokens.length;
    const padded = padLlama3Vocab(vocab, have + 5);
    expect(padded.tokens).toHaveLength(have + 5);
    expect(padded.tokens.slice(0, have)).toEqual(vocab.tokens);
    expect(new Set(padded.tokens).size).toBe(have + 5);
    expect([...padded.tokenTypes.slice(0, have)]).toEqual([...vocab.tokenTypes]);
    expect([...padded.tokenTypes.slice(have)]).toEqual(Array(5).fill(TOKEN_TYPE.unused));
    expect([...padded.suppressed.slice(0, have)]).toEqual([...vocab.suppressed]);
    expect([...padded.suppressed.slice(have)]).toEqual(Array(5).fill(1));
    expect(padded.special).toEqual(vocab.special);
    expect(padLlama3Vocab(vocab, have).tokens).toHaveLength(have);
    expect(() => padLlama3Vocab(vocab, have - 1)).toThrow(/cannot pad/);
  });
});
