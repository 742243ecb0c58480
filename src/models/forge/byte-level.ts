/**
 * Byte-level text handling shared by the BPE trainer and tokenizer: GPT-2's
 * byte-to-unicode table and the Llama-3 pre-tokenizer.
 *
 * GPT-2 byte-level BPE never works on raw bytes: each byte is shown as one
 * printable code point (printable Latin-1 bytes as themselves, the other 68
 * bytes as U+0100.. in byte order), so that every token is a plain string and a
 * merge line "a b" can use a space as its separator. llama.cpp's `gpt2`
 * tokenizer model reads tokens and merges in this form.
 */

/** `BYTE_TO_CHAR[b]` is the one-code-point string that stands for byte `b`. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** Inverse of `BYTE_TO_CHAR`, keyed by code point. */
const CHAR_TO_BYTE: ReadonlyMap<number, number> = new Map(
  BYTE_TO_CHAR.map((char, byte) => [char.codePointAt(0)!, byte]),
);

function buildByteToChar(): string[] {
  const table = new Array<string>(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    table[byte] = String.fromCodePoint(printable ? byte : next++);
  }
  return table;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** The byte-level form of `text`: its UTF-8 bytes, each written as its `BYTE_TO_CHAR` code point. */
export function toByteLevel(text: string): string {
  let out = "";
  for (const byte of encoder.encode(text)) out += BYTE_TO_CHAR[byte];
  return out;
}

/** The bytes a byte-level string stands for. Code points outside the table are dropped. */
export function byteLevelToBytes(byteLevel: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of byteLevel) {
    const byte = CHAR_TO_BYTE.get(char.codePointAt(0)!);
    if (byte !== undefined) bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/**
 * Back from byte-level form to text. Code points outside the table (which no
 * token we make contains) are dropped; invalid UTF-8 becomes U+FFFD, as in
 * llama.cpp's detokenizer.
 */
export function fromByteLevel(byteLevel: string): string {
  return decoder.decode(byteLevelToBytes(byteLevel));
}

/**
 * The Llama-3 pre-tokenizer, i.e. what llama.cpp applies for
 * `tokenizer.ggml.pre = "llama-bpe"` (LLAMA_VOCAB_PRE_TYPE_LLAMA3): English
 * contractions (any case), an optional non-letter then a letter run, runs of
 * 1-3 digits, punctuation runs with an optional leading space and trailing
 * newlines, newline runs, and whitespace that leaves its last space to the next
 * word. Merges never cross the boundaries this draws, so trainer and runtime
 * must split alike.
 */
const LLAMA3_SPLIT =
  /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

/** Splits `text` into pre-tokens; their concatenation is `text` again. */
export function preTokenize(text: string): string[] {
  return text.match(LLAMA3_SPLIT) ?? [];
}
