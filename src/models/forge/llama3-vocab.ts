import type { BpeModel } from "./bpe-trainer.js";
import { byteLevelToBytes } from "./byte-level.js";

/**
 * Turns a learned BPE model into a Llama-3-shaped GGUF vocabulary: the byte
 * tokens and merged tokens first, then Llama 3's special tokens (control
 * tokens), as Llama 3 orders them.
 *
 * It also marks the tokens a random model should not emit as free text (see
 * `Llama3Vocab.suppressed`).
 *
 * `<|eom_id|>` is left out on purpose: node-llama-cpp picks its Llama 3.1 chat
 * wrapper (which adds a knowledge-cutoff preamble to every prompt) when that
 * token exists, and its plain Llama 3 wrapper otherwise.
 */

/** llama.cpp's `llama_token_type` values as stored in `tokenizer.ggml.token_type`. */
export const TOKEN_TYPE = { normal: 1, control: 3, unused: 5 } as const;

export const LLAMA3_SPECIAL_TOKENS = [
  "<|begin_of_text|>",
  "<|end_of_text|>",
  "<|finetune_right_pad_id|>",
  "<|start_header_id|>",
  "<|end_header_id|>",
  "<|eot_id|>",
  "<|python_tag|>",
] as const;

export type Llama3SpecialToken = (typeof LLAMA3_SPECIAL_TOKENS)[number];

/**
 * A Llama-3 chat template. node-llama-cpp renders it and finds it equivalent to
 * its Llama 3 wrapper; llama.cpp's own template detection also keys on
 * `<|start_header_id|>`.
 */
export const LLAMA3_CHAT_TEMPLATE = [
  "{{- bos_token }}",
  "{%- for message in messages %}",
  "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}",
  "{%- endfor %}",
  "{%- if add_generation_prompt %}",
  "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}",
  "{%- endif %}",
].join("\n");

export interface Llama3Vocab {
  tokens: string[];
  tokenTypes: Int32Array;
  /** "left right" lines for `tokenizer.ggml.merges`. */
  merges: string[];
  special: Record<Llama3SpecialToken, number>;
  /**
   * 1 for tokens that are not text on their own: bytes that are not complete
   * UTF-8 (a lone lead or continuation byte, or a merge that ends mid-character),
   * control characters other than tab and newline, non-end-of-generation
   * special tokens. The forge gives them a very low logit so that
   * random generations stay valid, printable UTF-8 (llama.cpp's grammar counts
   * a malformed sequence as one character, so without this a `maxLength` string
   * can decode longer than allowed). `<|eot_id|>` and `<|end_of_text|>` stay
   * ordinary so that a model can still end its turn.
   */
  suppressed: Uint8Array;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Whether a byte-level token is complete UTF-8 with no control characters but tab and newline. */
export function isStandaloneText(byteLevelToken: string): boolean {
  let text: string;
  try {
    text = strictUtf8.decode(byteLevelToBytes(byteLevelToken));
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text);
}

export function buildLlama3Vocab(model: BpeModel): Llama3Vocab {
  const tokens = [...model.tokens];
  const types: number[] = tokens.map(() => TOKEN_TYPE.normal);
  const special = {} as Record<Llama3SpecialToken, number>;
  for (const text of LLAMA3_SPECIAL_TOKENS) {
    special[text] = tokens.length;
    tokens.push(text);
    types.push(TOKEN_TYPE.control);
  }
  const endsTurn = new Set([special["<|eot_id|>"], special["<|end_of_text|>"]]);
  const suppressed = Uint8Array.from(tokens, (text, id) => {
    if (types[id] === TOKEN_TYPE.normal) return isStandaloneText(text) ? 0 : 1;
    return endsTurn.has(id) ? 0 : 1;
  });
  return {
    tokens,
    tokenTypes: Int32Array.from(types),
    merges: model.merges.map(([left, right]) => `${left} ${right}`),
    special,
    suppressed,
  };
}

/**
 * Appends unused tokens (`<|alambique_unused_N|>`, type unused: llama.cpp's
 * tokenizer never matches them, and they are suppressed so that a random model
 * never emits them) until the vocabulary has `size` tokens. Throws when the
 * vocabulary is already larger.
 */
export function padLlama3Vocab(vocab: Llama3Vocab, size: number): Llama3Vocab {
  const have = vocab.tokens.length;
  if (size < have) throw new Error(`cannot pad a vocabulary of ${have} tokens down to ${size}`);
  const tokens = [...vocab.tokens];
  for (let id = have; id < size; id++) tokens.push(`<|alambique_unused_${id - have}|>`);
  const tokenTypes = new Int32Array(size).fill(TOKEN_TYPE.unused);
  tokenTypes.set(vocab.tokenTypes);
  const suppressed = new Uint8Array(size).fill(1);
  suppressed.set(vocab.suppressed);
  return { ...vocab, tokens, tokenTypes, suppressed };
}
