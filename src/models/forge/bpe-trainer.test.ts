import { describe, expect, it } from "vitest";
import { BpeTokenizer } from "./bpe-tokenizer.js";
import { trainBpe } from "./bpe-trainer.js";
import { readForgeCorpus } from "./forge-corpus.js";

describe("trainBpe", () => {
  it("merges the most frequent pair first and breaks ties by the smaller symbol ids", () => {
    // Pairs: "u g" 4x, then "h ug" 3x, then a three-way tie at 2 won by "Ġ p" (ids 32, 112).
    const model = trainBpe(["hug hug hug pug pun bun"], { maxMerges: 3, minFrequency: 1 });
    expect(model.merges).toEqual([
      ["u", "g"],
      ["h", "ug"],
      ["Ġ", "p"],
    ]);
    expect(model.tokens.slice(256)).toEqual(["ug", "hug", "Ġp"]);
  });

  it("stops when no pair reaches minFrequency", () => {
    expect(trainBpe(["ab ab cd"], { maxMerges: 10, minFrequency: 2 }).merges).toEqual([["a", "b"]]);
    expect(trainBpe(["ab ab cd"], { maxMerges: 10, minFrequency: 3 }).merges).toEqual([]);
  });

  it("never merges across pre-token boundaries", () => {
    // Letters and digits are always separate pre-tokens; "1 2" wins the tie with "a b" (0x31 < 0x61).
    const model = trainBpe(["ab12ab12ab12"], { maxMerges: 100, minFrequency: 1 });
    expect(model.merges).toEqual([
      ["1", "2"],
      ["a", "b"],
    ]);
  });

  it("learns a real, deterministic vocabulary from the shipped corpus", async () => {
    const corpus = await readForgeCorpus();
    const started = performance.now();
    const model = trainBpe(corpus, { maxMerges: 2000, minFrequency: 1 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1500);
    expect(model.merges).toHaveLength(2000);
    expect(trainBpe(corpus, { maxMerges: 2000, minFrequency: 1 })).toEqual(model);
    expect(new Set(model.tokens).size).toBe(model.tokens.length);
    for (const [left, right] of model.merges) expect(model.tokens).toContain(left + right);
    // Common words of both languages became single tokens.
    for (const word of ["Ġthe", "Ġbread", "Ġpedido", "Ġbici", "ÃŃ"]) expect(model.tokens).toContain(word);

    const tokenizer = new BpeTokenizer(model);
    const text = corpus.join("\n");
    const ids = tokenizer.encode(text);
    expect(tokenizer.decode(ids)).toBe(text);
    // Byte-level with no merges would be one token per byte; real merges compress about 4x.
    expect(ids.length / Buffer.byteLength(text)).toBeLessThan(0.35);
  });
});

describe("BpeTokenizer", () => {
  const model = trainBpe(["low lower lowest low low"], { maxMerges: 20, minFrequency: 1 });
  const tokenizer = new BpeTokenizer(model);

  it("takes a pre-token whole when it is a token, and merges by rank otherwise", () => {
    const id = (text: string) => model.tokens.indexOf(text);
    expect(tokenizer.encode(" lower")).toEqual([id("Ġlower")]);
    expect(tokenizer.encode(" lowly").map((i) => model.tokens[i])).toEqual(["Ġlow", "l", "y"]);
  });

  it("falls back to byte tokens for unseen characters and decodes them back", () => {
    const ids = tokenizer.encode("ñ🍞");
    expect(ids).toHaveLength(2 + 4);
    expect(tokenizer.decode(ids)).toBe("ñ🍞");
  });
});
