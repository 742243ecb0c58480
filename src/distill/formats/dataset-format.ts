/** The dataset formats Alambique exports and imports, and where each keeps its files. */
import { z } from "zod";
import type { Split } from "../../spec/distill.js";

/** `openai`: OpenAI chat JSONL; `sharegpt`: ShareGPT JSONL; `hf`: a Hugging Face datasets folder. */
export const datasetFormatSchema = z.enum(["openai", "sharegpt", "hf"]);
export type DatasetFormat = z.infer<typeof datasetFormatSchema>;

export const splits: readonly Split[] = ["train", "validation", "test"];

/** The card beside `openai` and `sharegpt` exports (the `hf` folder keeps it in README.md). */
export const CARD_FILE = "dataset-card.json";

/** A split's file, relative to the export folder, with forward slashes (the Hub's README names it so). */
export function splitFile(format: DatasetFormat, split: Split): string {
  return format === "hf" ? `data/${split}.jsonl` : `${split}.jsonl`;
}
