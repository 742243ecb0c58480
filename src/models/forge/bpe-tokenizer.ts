import type { BpeModel } from "./bpe-trainer.js";
import { fromByteLevel, preTokenize, toByteLevel } from "./byte-level.js";

/**
 * Encodes and decodes text with a learned byte-level BPE model the way
 * llama.cpp does for `tokenizer.ggml.model = gpt2` with the `llama-bpe`
 * pre-tokenizer: split with the Llama-3 pattern; a pre-token that is itself a
 * token is taken whole (llama.cpp's `ignore_merges`, on for Llama 3); otherwise
 * apply merges lowest rank first, leftmost first among equal ranks; a symbol
 * left without an id falls back to its byte tokens. Special tokens in the text
 * are not parsed: they are encoded as plain text.
 *
 * It exists so that tests can check that llama.cpp and the forge agree on how
 * text splits; models run by llama.cpp never use it.
 */
export class BpeTokenizer {
  readonly #tokens: readonly string[];
  readonly #idOf: ReadonlyMap<string, number>;
  readonly #rank: ReadonlyMap<string, number>;

  constructor(model: BpeModel) {
    this.#tokens = model.tokens;
    const idOf = new Map<string, number>();
    // First id wins, as in llama.cpp's text-to-token map.
    model.tokens.forEach((text, id) => {
      if (!idOf.has(text)) idOf.set(text, id);
    });
    this.#idOf = idOf;
    this.#rank = new Map(model.merges.map(([left, right], rank) => [`${left} ${right}`, rank]));
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of preTokenize(text)) {
      const word = toByteLevel(piece);
      const whole = this.#idOf.get(word);
      if (whole !== undefined) {
        ids.push(whole);
        continue;
      }
      for (const symbol of this.#applyMerges(word)) {
        const id = this.#idOf.get(symbol);
        if (id !== undefined) ids.push(id);
        else for (const char of symbol) ids.push(this.#idOf.get(char)!);
      }
    }
    return ids;
  }

  /** Token ids back to text; ids outside the vocabulary are skipped. */
  decode(ids: readonly number[]): string {
    return fromByteLevel(ids.map((id) => this.#tokens[id] ?? "").join(""));
  }

  #applyMerges(word: string): string[] {
    const symbols = Array.from(word);
    for (;;) {
      let bestAt = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.#rank.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) return symbols;
      symbols.splice(bestAt, 2, symbols[bestAt]! + symbols[bestAt + 1]!);
    }
  }
}
