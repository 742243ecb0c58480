/**
 * A row of a Hugging Face datasets folder (`data/<split>.jsonl`): the chat
 * `messages` that TRL's SFTTrainer and the datasets viewer read, `tools` when
 * the agent has any (TRL renders them into the chat template), and the
 * columns that make the row auditable and restorable: key, intent, language,
 * provenance and the judge's verdict. Every row has every column (null when
 * absent) so the viewer infers one schema.
 */
import { z } from "zod";
import {
  judgementSchema,
  rowProvenanceSchema,
  type SynthRow,
  type TrainingMessage,
  trainingMessageSchema,
} from "../../spec/distill.js";
import { conversationIssues } from "./conversation-issues.js";
import { type OpenAiTool, openAiToolSchema } from "./openai-chat-format.js";

export const hfRowSchema = z
  .object({
    key: z.string().min(1),
    messages: z.array(trainingMessageSchema).min(2),
    tools: z.array(openAiToolSchema).nullable(),
    intent: z.string(),
    language: z.string(),
    provenance: rowProvenanceSchema,
    judgement: judgementSchema.nullable(),
  })
  .strict()
  .superRefine((row, ctx) => {
    for (const issue of conversationIssues(row.messages))
      ctx.addIssue({ code: "custom", message: issue.message, path: ["messages", ...issue.path] });
  });
export type HfRow = z.infer<typeof hfRowSchema>;

export function toHfRow(row: SynthRow, tools?: readonly OpenAiTool[]): HfRow {
  return {
    key: row.key,
    messages: row.messages,
    tools: tools && tools.length > 0 ? [...tools] : null,
    intent: row.intent,
    language: row.provenance.language,
    provenance: row.provenance,
    judgement: row.judgement,
  };
}

/**
 * A row written by `toHfRow` (or by hand with the same columns) back as a
 * kept SynthRow. Usage is not exported, so it comes back as zero.
 */
export function fromHfRow(row: HfRow): SynthRow {
  return {
    key: row.key,
    messages: row.messages as TrainingMessage[],
    intent: row.intent,
    provenance: row.provenance,
    judgement: row.judgement,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}
