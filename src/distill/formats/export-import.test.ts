import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthRowSchema, type TrainingMessage } from "../../spec/distill.js";
import { type DatasetFormat, splitFile, splits } from "./dataset-format.js";
import { card, qaRow, splitRows, toolRow } from "./dataset-rows.fixture.js";
import { exportDataset } from "./export-dataset.js";
import { hfFrontMatterSchema, parseDatasetCardReadme } from "./hf-dataset-card.js";
import { hfRowSchema } from "./hf-row-format.js";
import { importDataset } from "./import-dataset.js";
import { type OpenAiTool, openAiChatLineSchema } from "./openai-chat-format.js";
import { shareGptLineSchema } from "./sharegpt-format.js";

const tools: OpenAiTool[] = [
  {
    type: "function",
    function: {
      name: "order_status",
      description: "Status of an order",
      parameters: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
    },
  },
];
const schemas = { openai: openAiChatLineSchema, sharegpt: shareGptLineSchema, hf: hfRowSchema };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "alq-formats-"));
}

function lines(path: string): unknown[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** What ShareGPT keeps of a conversation: call ids renumbered in order, text beside tool calls dropped. */
function shareGptView(messages: TrainingMessage[]): TrainingMessage[] {
  const ids = new Map<string, string>();
  return messages.map((m) => {
    if (m.role === "assistant" && m.tool_calls) {
      return {
        role: "assistant",
        content: null,
        tool_calls: m.tool_calls.map((c) => {
          ids.set(c.id, `call_${ids.size + 1}`);
          return { ...c, id: ids.get(c.id)! };
        }),
      };
    }
    if (m.role === "tool") return { ...m, tool_call_id: ids.get(m.tool_call_id)! };
    return m;
  });
}

describe.each(["openai", "sharegpt", "hf"] as DatasetFormat[])("the %s format", (format) => {
  it("exports lines that validate against the format's schema, one file per split", async () => {
    const dir = tempDir();
    const result = await exportDataset({ format, dir, rows: splitRows, card, tools });
    expect(result.counts).toEqual({ train: 2, validation: 1, test: 1 });
    for (const split of splits) {
      const written = lines(join(dir, splitFile(format, split)));
      expect(written).toHaveLength(result.counts[split]);
      for (const line of written) expect(schemas[format].safeParse(line).error).toBeUndefined();
    }
    expect(readdirSync(dir).some((name) => name.endsWith(".partial"))).toBe(false);
  });

  it("round-trips export → import", async () => {
    const dir = tempDir();
    await exportDataset({ format, dir, rows: splitRows, card, tools });
    const imported = await importDataset({ format, path: dir, onError: "abort", languages: ["es", "en"] });
    expect(imported.errors).toEqual([]);
    expect(imported.imported).toBe(true);
    expect(imported.card).toEqual(card);
    expect(imported.rows.map((r) => r.split)).toEqual(splitRows.map((r) => r.split));
    for (const [i, { row }] of imported.rows.entries()) {
      const original = splitRows[i]!.row;
      expect(synthRowSchema.safeParse(row).error).toBeUndefined();
      if (format === "hf") expect(row).toEqual({ ...original, usage: { inputTokens: 0, outputTokens: 0 } });
      else if (format === "openai") expect(row.messages).toEqual(original.messages);
      else expect(row.messages).toEqual(shareGptView(original.messages));
      if (format !== "hf") expect(row.provenance.language).toBe(original.provenance.language);
    }
  });
});

describe("exportDataset", () => {
  it("writes a Hugging Face card with valid front matter and the provenance", async () => {
    const dir = tempDir();
    await exportDataset({ format: "hf", dir, rows: splitRows, card });
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    const parsed = parseDatasetCardReadme(readme);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(hfFrontMatterSchema.parse(parsed.frontMatter)).toMatchObject({
      license: "llama3.1",
      language: ["es", "en"],
      task_categories: ["text-generation"],
      size_categories: ["n<1K"],
      configs: [
        {
          config_name: "default",
          data_files: [
            { split: "train", path: "data/train.jsonl" },
            { split: "validation", path: "data/validation.jsonl" },
            { split: "test", path: "data/test.jsonl" },
          ],
        },
      ],
    });
    expect(readme).toContain("| teacher | teacher-70b (licence: llama3.1) |");
    expect(readme).toContain("near_duplicate 3");
    const other = tempDir();
    await exportDataset({
      format: "hf",
      dir: other,
      rows: [],
      card: { ...card, teacher: { name: "t", licenseId: "qwen" } },
    });
    const otherFront = parseDatasetCardReadme(readFileSync(join(other, "README.md"), "utf8"));
    expect(otherFront.ok && otherFront.frontMatter).toMatchObject({
      license: "other",
      license_name: "qwen",
      configs: [{ data_files: [{ split: "train", path: "data/train.jsonl" }] }],
    });
  });

  it("refuses a dropped row or one that makes an invalid line, and leaves nothing behind", async () => {
    const dir = tempDir();
    const dropped = { ...qaRow, key: "bad", dropped: "policy" as const, dropDetail: "rude" };
    await expect(
      exportDataset({
        format: "openai",
        dir,
        rows: [
          { split: "train", row: qaRow },
          { split: "train", row: dropped },
        ],
        card,
      }),
    ).rejects.toThrow(/row bad was dropped/);
    const orphan = {
      ...toolRow,
      key: "orphan",
      messages: toolRow.messages.filter((m) => m.role !== "assistant" || !m.tool_calls),
    };
    await expect(
      exportDataset({ format: "sharegpt", dir, rows: [{ split: "test", row: orphan }], card }),
    ).rejects.toThrow(/row orphan does not make a valid sharegpt line/);
    expect(readdirSync(dir)).toEqual([]);
  });
  it("cleans up and says what to do when writing fails part-way", async () => {
    const dir = tempDir();
    async function* failing() {
      yield { split: "train" as const, row: qaRow };
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    }
    await expect(exportDataset({ format: "hf", dir, rows: failing(), card })).rejects.toMatchObject({
      code: "export_failed",
      hint: expect.stringMatching(/disk is full/),
    });
    expect(readdirSync(join(dir, "data"))).toEqual([]);
    expect(readdirSync(dir)).toEqual(["data"]);
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "x");
    await expect(exportDataset({ format: "openai", dir: file, rows: [], card })).rejects.toMatchObject({
      code: "export_failed",
    });
  });
});

describe("importDataset with broken lines", () => {
  const good = JSON.stringify({ messages: qaRow.messages });
  const file = [
    good,
    "{not json",
    JSON.stringify({ messages: [{ role: "user", content: "hola" }] }),
    "",
    JSON.stringify({ messages: [...qaRow.messages, { role: "tool", tool_call_id: "x", content: "?" }] }),
    good,
    JSON.stringify({ messages: [{ role: "robot", content: "beep" }, ...qaRow.messages] }),
  ].join("\n");

  it("reports each broken line by number and imports the rest when told to skip", async () => {
    const path = join(tempDir(), "validation.jsonl");
    writeFileSync(path, `\uFEFF${file}\r\n`);
    const result = await importDataset({ format: "openai", path, onError: "skip", languages: ["es"] });
    expect(result.errors.map((e) => [e.file, e.line])).toEqual([
      ["validation.jsonl", 2],
      ["validation.jsonl", 3],
      ["validation.jsonl", 5],
      ["validation.jsonl", 7],
    ]);
    expect(result.errors[1]!.message).toMatch(/messages/);
    expect(result.errors[2]!.message).toMatch(/no earlier assistant message called/);
    expect(result.rows.map((r) => [r.split, r.row.key])).toEqual([
      ["validation", "validation-000001"],
      ["validation", "validation-000006"],
    ]);
    expect(result).toMatchObject({ imported: true, errorCount: 4, linesRead: 6 });
  });

  it("imports nothing when told to abort, with the same report", async () => {
    const path = join(tempDir(), "mine.jsonl");
    writeFileSync(path, file);
    const result = await importDataset({ format: "openai", path, onError: "abort", maxErrors: 2 });
    expect(result).toMatchObject({ imported: false, rows: [], errorCount: 4 });
    expect(result.errors.map((e) => e.line)).toEqual([2, 3]);
  });

  it("reports broken ShareGPT and Hugging Face lines and a broken card", async () => {
    const dir = tempDir();
    await exportDataset({ format: "hf", dir, rows: splitRows, card });
    const train = join(dir, "data", "train.jsonl");
    writeFileSync(train, `${readFileSync(train, "utf8")}{"key":"x","messages":[]}\n`);
    const readme = join(dir, "README.md");
    writeFileSync(readme, readFileSync(readme, "utf8").replace('"version": 2', '"version": "two"'));
    const result = await importDataset({ format: "hf", path: dir, onError: "skip" });
    expect(result.errors.map((e) => [e.file, e.line > 0])).toEqual([
      ["README.md", true],
      ["data/train.jsonl", true],
    ]);
    expect(result.errors[1]!.line).toBe(3);
    expect(result.card).toBeUndefined();
    expect(result.rows).toHaveLength(4);

    const share = join(tempDir(), "train.jsonl");
    writeFileSync(
      share,
      [
        JSON.stringify({
          conversations: [
            { from: "human", value: "hi" },
            { from: "observation", value: "?" },
          ],
        }),
        JSON.stringify({
          conversations: [
            { from: "human", value: "hi" },
            { from: "function_call", value: "nope" },
          ],
        }),
        JSON.stringify({
          system: "be kind",
          conversations: [
            { from: "user", value: "hi" },
            { from: "assistant", value: "hello" },
          ],
        }),
      ].join("\n"),
    );
    const shared = await importDataset({ format: "sharegpt", path: share, onError: "skip" });
    expect(shared.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(shared.rows[0]!.row.messages).toEqual([
      { role: "system", content: "be kind" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
  });

  it("reads what other tools write to OpenAI JSONL: text parts, developer role, extra fields", async () => {
    const path = join(tempDir(), "train.jsonl");
    writeFileSync(
      path,
      JSON.stringify({
        messages: [
          { role: "developer", content: [{ type: "text", text: "Be brief." }] },
          { role: "user", content: "hi", name: "ana" },
          { role: "assistant", content: "hello", weight: 1 },
        ],
        parallel_tool_calls: false,
      }),
    );
    const result = await importDataset({ format: "openai", path, onError: "abort" });
    expect(result.rows[0]!.row.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
    expect(result.rows[0]!.row.provenance.language).toBe("und");
  });

  it("throws only when there is nothing to read", async () => {
    await expect(
      importDataset({ format: "openai", path: join(tempDir(), "nope"), onError: "skip" }),
    ).rejects.toThrow(/not found/);
    const empty = tempDir();
    await expect(importDataset({ format: "hf", path: empty, onError: "skip" })).rejects.toMatchObject({
      code: "not_found",
      hint: expect.stringMatching(/data\/train.jsonl/),
    });
    expect(existsSync(empty)).toBe(true);
  });
});
