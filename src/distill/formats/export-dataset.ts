/**
 * Writes a dataset's rows, by split, in one of the formats:
 * - `openai`:   `<dir>/{train,validation,test}.jsonl` (OpenAI chat lines) + `dataset-card.json`;
 * - `sharegpt`: `<dir>/{train,validation,test}.jsonl` (ShareGPT lines) + `dataset-card.json`;
 * - `hf`:       `<dir>/data/{train,validation,test}.jsonl` + `<dir>/README.md` (dataset card).
 * Every split's file is written, empty when the split is. Every line is
 * validated against its format's schema before it is written: a row that
 * would not make a valid line (a dropped row, a tool result that answers no
 * call) throws ValidationError naming the row, and nothing is left behind.
 *
 * Each file goes to `<name>.partial` first and is renamed into place only
 * once every line of every split is written; a failure part-way (a full disk)
 * removes the partial files, leaves earlier exports in `dir` as they were,
 * and throws an AlambiqueError `export_failed` whose hint says what to do.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { z } from "zod";
import { type DatasetCard, datasetCardSchema, type Split, type SynthRow } from "../../spec/distill.js";
import { AlambiqueError, ValidationError } from "../../spec/errors.js";
import { conversationIssues } from "./conversation-issues.js";
import { CARD_FILE, type DatasetFormat, splitFile, splits } from "./dataset-format.js";
import { type CardOptions, renderDatasetCardReadme } from "./hf-dataset-card.js";
import { hfRowSchema, toHfRow } from "./hf-row-format.js";
import { createJsonlWriter, type JsonlWriter } from "./jsonl-file.js";
import { type OpenAiTool, openAiChatLineSchema, toOpenAiChatLine } from "./openai-chat-format.js";
import { shareGptLineSchema, toShareGptLine } from "./sharegpt-format.js";

export interface ExportInput extends CardOptions {
  format: DatasetFormat;
  dir: string;
  rows: Iterable<{ split: Split; row: SynthRow }> | AsyncIterable<{ split: Split; row: SynthRow }>;
  card: DatasetCard;
  /** The agent's tools, declared on every line (OpenAI, HF) or in `tools` (ShareGPT). */
  tools?: readonly OpenAiTool[];
}

export interface ExportResult {
  /** Absolute or `dir`-relative paths as given, of every file written. */
  files: string[];
  counts: Record<Split, number>;
}

export async function exportDataset(input: ExportInput): Promise<ExportResult> {
  const card = datasetCardSchema.parse(input.card);
  const { format, dir } = input;
  const writers = {} as Record<Split, JsonlWriter>;
  const line = lineMaker(format, input.tools);
  const sidePath = join(dir, format === "hf" ? "README.md" : CARD_FILE);
  try {
    await mkdir(format === "hf" ? join(dir, "data") : dir, { recursive: true });
    for (const split of splits) writers[split] = await createJsonlWriter(join(dir, splitFile(format, split)));
    for await (const { split, row } of input.rows) {
      if (row.dropped !== null)
        throw new ValidationError(
          `row ${row.key} was dropped (${row.dropped}); only kept rows are exported`,
          [{ path: [row.key], message: "dropped row" }],
        );
      await writers[split].write(line(row));
    }
    const sideText =
      format === "hf"
        ? renderDatasetCardReadme(
            card,
            // The Hub's loader is given only splits with rows (an empty JSON file is not a dataset to it).
            Object.fromEntries(
              splits
                .filter(
                  (s) =>
                    writers[s].count > 0 || (s === "train" && splits.every((t) => writers[t].count === 0)),
                )
                .map((s) => [s, splitFile(format, s)]),
            ) as Partial<Record<Split, string>>,
            input.license === undefined ? {} : { license: input.license },
          )
        : `${JSON.stringify(card, null, 2)}\n`;
    await writeFile(`${sidePath}.partial`, sideText);
    for (const split of splits) await writers[split].commit();
    await rename(`${sidePath}.partial`, sidePath);
    return {
      files: [...splits.map((s) => writers[s].path), sidePath],
      counts: Object.fromEntries(splits.map((s) => [s, writers[s].count])) as Record<Split, number>,
    };
  } catch (error) {
    await Promise.all(Object.values(writers).map((w) => w.abort()));
    await rm(`${sidePath}.partial`, { force: true }).catch(() => undefined);
    if (AlambiqueError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new AlambiqueError(`could not export the dataset to ${dir}: ${(error as Error).message}`, {
      code: "export_failed",
      status: 500,
      retryable: false,
      hint:
        code === "ENOSPC"
          ? `the disk is full: free space on the disk holding ${dirname(join(dir, "x"))}, or export elsewhere`
          : code === "EACCES" || code === "EPERM"
            ? `no permission to write in ${dir}: choose another folder`
            : "check that the folder can be written, then export again",
      cause: error,
    });
  }
}

/** The line for a row, validated against the format's schema. */
function lineMaker(
  format: DatasetFormat,
  tools: readonly OpenAiTool[] | undefined,
): (row: SynthRow) => unknown {
  const validated = (schema: z.ZodType, value: unknown, key: string) => {
    const result = schema.safeParse(value);
    if (!result.success)
      throw new ValidationError(
        `row ${key} does not make a valid ${format} line: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        result.error.issues.map((i) => ({
          path: [key, ...(i.path as (string | number)[])],
          message: i.message,
        })),
      );
    return value;
  };
  const convert = {
    openai: (row: SynthRow) =>
      validated(openAiChatLineSchema, toOpenAiChatLine(row.messages, tools), row.key),
    sharegpt: (row: SynthRow) => validated(shareGptLineSchema, toShareGptLine(row.messages, tools), row.key),
    hf: (row: SynthRow) => validated(hfRowSchema, toHfRow(row, tools), row.key),
  }[format];
  // The source conversation first: a format that cannot express a problem (ShareGPT has no call ids) must not hide it.
  return (row) => {
    const issues = conversationIssues(row.messages);
    if (issues.length > 0)
      throw new ValidationError(
        `row ${row.key} does not make a valid ${format} line: ${issues.map((i) => i.message).join("; ")}`,
        issues.map((i) => ({ path: [row.key, "messages", ...i.path], message: i.message })),
      );
    return convert(row);
  };
}
