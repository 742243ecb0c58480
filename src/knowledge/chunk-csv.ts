import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { ChunkDraft } from "./chunk-draft.js";
import { recordChunk } from "./record-chunk.js";

/** Longest CSV record, in characters: a longer one is an error (an unclosed quote, usually). */
export const maxRecordChars = 2 ** 20;

/**
 * A CSV file with a header row: one chunk per row (see `recordChunk`: FAQ
 * rows are titled with their question, catalog rows are `Label: value`
 * text), at `row N` where N is the spreadsheet row (the header is row 1, so
 * the first product is `row 2`), with the row as `metadata`.
 *
 * The delimiter (`,` `;` tab `|`) is the one most frequent in the header
 * line, outside quotes; Spanish spreadsheets often save with `;`. Rows stream
 * through the parser one at a time. Throws on malformed CSV (an unclosed
 * quote) with the parser's line number.
 */
export async function* chunkCsv(
  pieces: AsyncIterable<string>,
  options: { delimiter?: string } = {},
): AsyncGenerator<ChunkDraft> {
  const iterator = pieces[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const delimiter = options.delimiter ?? sniffDelimiter(first.value);
  const source = Readable.from(
    (async function* () {
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
  );
  const parser = source.pipe(
    parse({
      delimiter,
      columns: (header: string[]) => header.map((name, i) => name.trim() || `column ${i + 1}`),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // A runaway quote would otherwise buffer the rest of the file as one field.
      max_record_size: maxRecordChars,
    }),
  );
  source.on("error", (error) => parser.destroy(error));
  let row = 1;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    row++;
    const chunk = recordChunk(record, `row ${row}`);
    if (chunk) yield chunk;
  }
}

/** The most frequent of `,` `;` tab `|` in the first line of `text`, outside double quotes; `,` when none. */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && (char === "," || char === ";" || char === "\t" || char === "|")) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
  }
  let best = ",";
  let most = 0;
  for (const [char, count] of counts) {
    if (count > most) [best, most] = [char, count];
  }
  return best;
}
