import { z } from "zod";
import { sourceDisplayName } from "../../safety/source-display-name.js";
import type { Message } from "../../spec/store.js";
import { customerAnswerText } from "./customer-answer-text.js";
import { sourceTitle } from "./source-title.js";

const isoTime = z.string().meta({ format: "date-time" });

export const customerMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(["user", "assistant", "human"]).meta({
      description: "`user`: the visitor; `assistant`: the agent; `human`: a person of the business",
    }),
    content: z.string().meta({
      description: "The text as the customer reads it: answers without citation markers or source file lines",
    }),
    staff: z.string().nullable().meta({ description: "Who answered, for a person's message" }),
    sources: z.array(z.string()).meta({
      description:
        "The titles of the documents an answer comes from (never their files or paths); empty when the agent's `widget.showSources` is off",
    }),
    feedback: z
      .enum(["up", "down"])
      .nullable()
      .meta({ description: "The visitor's rating of an answer, if they gave one" }),
    createdAt: isoTime,
  })
  .meta({ id: "CustomerMessage" });

export type CustomerMessage = z.input<typeof customerMessageSchema>;

/**
 * A stored message as its customer may read it, or nothing: system and tool
 * messages are the operator's; of the rest, only the text (answers without
 * their citation markers and source file lines), who wrote it, the cited
 * documents' titles when `showSources`, and the customer's own rating.
 * Never metadata: tool calls, their inputs and results stay with the business.
 */
export function asCustomerSees(message: Message, options: { showSources: boolean }): CustomerMessage[] {
  if (message.role !== "user" && message.role !== "assistant" && message.role !== "human") return [];
  const staff =
    message.role === "human" && typeof message.metadata.staff === "string" ? message.metadata.staff : null;
  if (message.role !== "assistant") {
    const { id, role, content, createdAt } = message;
    return [{ id, role, content, staff, sources: [], feedback: null, createdAt }];
  }
  const citations = citationsOf(message.metadata.citations);
  return [
    {
      id: message.id,
      role: "assistant",
      content: customerAnswerText(
        message.content,
        citations.map((c) => sourceDisplayName(c.uri)),
      ),
      staff: null,
      sources: options.showSources ? [...new Set(citations.map((c) => sourceTitle(c.uri, c.location)))] : [],
      feedback: message.feedback ?? null,
      createdAt: message.createdAt,
    },
  ];
}

function citationsOf(value: unknown): { uri: string; location: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((citation) => {
    const { uri, location } = (citation ?? {}) as { uri?: unknown; location?: unknown };
    return typeof uri === "string" ? [{ uri, location: typeof location === "string" ? location : "" }] : [];
  });
}
