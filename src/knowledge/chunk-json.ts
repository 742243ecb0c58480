import type { ChunkDraft } from "./chunk-draft.js";
import { recordChunk } from "./record-chunk.js";

/**
 * JSON knowledge: an array of FAQ objects (`{question, answer}`,
 * `{pregunta, respuesta}`) or catalog objects, one chunk each (see
 * `recordChunk`). The array may be the whole document (`[…]`: locations
 * `faq[4]` for FAQ entries, `item[4]` otherwise) or properties of an object
 * (`{"faq": […], "products": […]}`: `faq[4]`, `products[2]`); other
 * properties of such an object become one chunk each, at their key. Indexes
 * are 0-based, as in JSON.
 *
 * Throws `SyntaxError` (with the position) for invalid JSON. Objects and
 * arrays nested deeper than `maxNesting` levels in a record are cut there
 * (`…`): a record's fields are named by their paths, so deep nesting would
 * cost time and memory quadratic in its depth, and beyond about 10,000
 * levels overflow the stack.
 */
export function* chunkJson(text: string): Generator<ChunkDraft> {
  const value: unknown = boundNesting(JSON.parse(text), maxNesting + 1);
  if (Array.isArray(value)) {
    yield* chunkArray(value, undefined);
    return;
  }
  if (isObject(value)) {
    const scalars: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (Array.isArray(child) && child.some(isObject)) yield* chunkArray(child, key);
      else if (isObject(child)) {
        const chunk = recordChunk(child, key);
        if (chunk) yield { ...chunk, title: chunk.title ?? key };
      } else scalars[key] = child;
    }
    const rest = recordChunk(scalars, "$");
    if (rest) yield rest;
    return;
  }
  const chunk = recordChunk({ value }, "$");
  if (chunk) yield chunk;
}

/**
 * JSON Lines (`.jsonl`, `.ndjson`): one object per line, one chunk each, at
 * `line N` (1-based). Streams; throws on a line that is not JSON, naming it.
 */
export async function* chunkJsonLines(lines: AsyncIterable<string>): AsyncGenerator<ChunkDraft> {
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SyntaxError(`line ${number} is not JSON: ${(error as Error).message}`);
    }
    const bounded = boundNesting(value, maxNesting);
    const chunk = recordChunk(isObject(bounded) ? bounded : { value: bounded }, `line ${number}`);
    if (chunk) yield chunk;
  }
}

function* chunkArray(items: unknown[], key: string | undefined): Generator<ChunkDraft> {
  for (const [index, item] of items.entries()) {
    const chunk = recordChunk(isObject(item) ? item : { value: item }, "");
    if (!chunk) continue;
    const name =
      key ?? (typeof chunk.metadata.answer === "string" && "question" in chunk.metadata ? "faq" : "item");
    yield { ...chunk, location: `${name}[${index}]` };
  }
}

/** Levels of objects and arrays kept in one record (`a.b.c[2].d`): deeper values read `…`. */
export const maxNesting = 32;

/** `value` with objects and arrays deeper than `levels` replaced by `…` (the same value when none is). */
function boundNesting(value: unknown, levels: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (levels <= 0) return "…";
  if (Array.isArray(value)) return value.map((item) => boundNesting(item, levels - 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = boundNesting(child, levels - 1);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
