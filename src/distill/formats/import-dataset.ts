/**
 * Reads a dataset in one of the formats back into rows by split, reporting
 * every broken line with its file and line number. `onError` is the user's
 * choice: `skip` imports the good lines and reports the rest; `abort`
 * imports nothing when any line is broken (the report is the same).
 *
 * `path` is a folder as `exportDataset` writes it (every split file found is
 * read: `train`, `validation`, `test`; for `hf` under `data/`, or at the top
 * when there is no `data/`), or, for `openai` and `sharegpt`, one `.jsonl`
 * file (its split from its name when that is a split's, else `train`).
 * The card comes back when the folder has one (README.md for `hf`,
 * dataset-card.json otherwise); a broken card is an error like a broken line.
 *
 * Throws only when `path` cannot be read at all (NotFoundError), never for
 * what is inside the files.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { type DatasetCard, datasetCardSchema, type Split, type SynthRow } from "../../spec/distill.js";
import { NotFoundError } from "../../spec/errors.js";
import { CARD_FILE, type DatasetFormat, splitFile, splits } from "./dataset-format.js";
import { formatIssues, parseDatasetCardReadme } from "./hf-dataset-card.js";
import { fromHfRow, hfRowSchema } from "./hf-row-format.js";
import { importedRow } from "./imported-row.js";
import { readJsonl } from "./jsonl-file.js";
import { parseOpenAiChatLine } from "./openai-chat-format.js";
import { parseShareGptLine } from "./sharegpt-format.js";

export interface ImportInput {
  format: DatasetFormat;
  path: string;
  onError: "skip" | "abort";
  /**
   * Languages of imported OpenAI/ShareGPT rows, which do not say: one is
   * taken as is, several are told apart per row (`detectLanguage`), none
   * gives `und`. HF rows carry their own.
   */
  languages?: readonly string[];
  /** At most this many errors are listed (all are counted). Default 100. */
  maxErrors?: number;
}

export interface LineError {
  /** The file, relative to `path` when `path` is a folder. */
  file: string;
  /** 1-based; 0 for a problem with the file as a whole. */
  line: number;
  message: string;
}

export interface ImportResult {
  /** Empty when `onError` is `abort` and any line was broken. */
  rows: { split: Split; row: SynthRow }[];
  errors: LineError[];
  errorCount: number;
  /** Lines read that held an example, good or bad. */
  linesRead: number;
  /** False when `abort` threw everything away. */
  imported: boolean;
  card: DatasetCard | undefined;
}

export async function importDataset(input: ImportInput): Promise<ImportResult> {
  const maxErrors = input.maxErrors ?? 100;
  const errors: LineError[] = [];
  let errorCount = 0;
  const fail = (error: LineError) => {
    errorCount++;
    if (errors.length < maxErrors) errors.push(error);
  };
  const { files, card } = await locate(input, fail);
  const rows: { split: Split; row: SynthRow }[] = [];
  const keys = new Set<string>();
  let linesRead = 0;
  for (const { split, path, name } of files) {
    for await (const entry of readJsonl(path)) {
      linesRead++;
      if ("error" in entry) {
        fail({ file: name, line: entry.line, message: entry.error });
        continue;
      }
      const parsed = parseLine(input, entry.value, { split, line: entry.line });
      if (!parsed.ok) {
        fail({ file: name, line: entry.line, message: parsed.message });
        continue;
      }
      if (keys.has(parsed.row.key)) {
        fail({ file: name, line: entry.line, message: `the key ${parsed.row.key} appears twice` });
        continue;
      }
      keys.add(parsed.row.key);
      rows.push({ split, row: parsed.row });
    }
  }
  const imported = errorCount === 0 || input.onError === "skip";
  return { rows: imported ? rows : [], errors, errorCount, linesRead, imported, card };
}

function parseLine(
  input: ImportInput,
  value: unknown,
  where: { split: Split; line: number },
): { ok: true; row: SynthRow } | { ok: false; message: string } {
  switch (input.format) {
    case "openai": {
      const parsed = parseOpenAiChatLine(value);
      return parsed.ok
        ? { ok: true, row: importedRow(parsed.messages, where, input.languages ?? []) }
        : { ok: false, message: formatIssues(parsed.error) };
    }
    case "sharegpt": {
      const parsed = parseShareGptLine(value);
      return parsed.ok
        ? { ok: true, row: importedRow(parsed.messages, where, input.languages ?? []) }
        : {
            ok: false,
            message: parsed.issues
              .slice(0, 3)
              .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
              .join("; "),
          };
    }
    case "hf": {
      const parsed = hfRowSchema.safeParse(value);
      return parsed.success
        ? { ok: true, row: fromHfRow(parsed.data) }
        : { ok: false, message: formatIssues(parsed.error) };
    }
  }
}

async function locate(
  input: ImportInput,
  fail: (error: LineError) => void,
): Promise<{ files: { split: Split; path: string; name: string }[]; card: DatasetCard | undefined }> {
  const { format, path } = input;
  if (!existsSync(path))
    throw new NotFoundError(
      "dataset file or folder",
      path,
      "give the folder an export wrote, or a .jsonl file",
    );
  if (statSync(path).isFile()) {
    if (format === "hf")
      throw new NotFoundError(
        "Hugging Face datasets folder",
        path,
        "give the folder that holds README.md and data/",
      );
    const stem = basename(path).replace(/\.jsonl$/i, "");
    const split = (splits as readonly string[]).includes(stem) ? (stem as Split) : "train";
    return { files: [{ split, path, name: basename(path) }], card: undefined };
  }
  const files: { split: Split; path: string; name: string }[] = [];
  for (const split of splits) {
    const candidates =
      format === "hf" ? [splitFile("hf", split), `${split}.jsonl`] : [splitFile(format, split)];
    const found = candidates.find((name) => existsSync(join(path, name)));
    if (found) files.push({ split, path: join(path, found), name: found });
  }
  if (files.length === 0)
    throw new NotFoundError(
      "dataset split files",
      path,
      format === "hf"
        ? "the folder needs data/train.jsonl (or validation, test)"
        : "the folder needs train.jsonl (or validation.jsonl, test.jsonl)",
    );
  let card: DatasetCard | undefined;
  if (format === "hf") {
    const readme = join(path, "README.md");
    if (existsSync(readme)) {
      const parsed = parseDatasetCardReadme(await readFile(readme, "utf8"));
      if (parsed.ok) card = parsed.card;
      else fail({ file: "README.md", line: parsed.line, message: parsed.message });
    }
  } else if (existsSync(join(path, CARD_FILE))) {
    try {
      const parsed = datasetCardSchema.safeParse(JSON.parse(await readFile(join(path, CARD_FILE), "utf8")));
      if (parsed.success) card = parsed.data;
      else fail({ file: CARD_FILE, line: 0, message: formatIssues(parsed.error) });
    } catch (error) {
      fail({ file: CARD_FILE, line: 0, message: `not JSON: ${(error as Error).message}` });
    }
  }
  return { files, card };
}
