import type { LanguageModelV3FunctionTool } from "@ai-sdk/provider";
import type { ChatHistoryItem } from "node-llama-cpp";
import { TOOL_CALL_MARKER } from "./grammar/structured-grammar.js";

/**
 * System-prompt text that tells the model what a grammar will force it to
 * write. The grammar alone guarantees validity; this text is what lets a real
 * model fill the structure with sensible values (which fields mean what,
 * which tool does what). It describes exactly the format the grammars in
 * `grammar/structured-grammar.ts` produce, not the chat template's native
 * tool syntax, so the model is never told one format and forced into another.
 */

/** The schema as the model reads it: compact, without the `$schema` dialect URL (tokens with no meaning for it). */
function schemaText(schema: unknown): string {
  if (typeof schema !== "object" || schema === null) return JSON.stringify(schema);
  const { $schema: _, ...rest } = schema as Record<string, unknown>;
  return JSON.stringify(rest);
}

export function jsonInstructions(format: { schema?: unknown; name?: string; description?: string }): string {
  const lines = ["Reply with a single JSON value and nothing else."];
  if (format.name || format.description)
    lines.push(`It is ${[format.name, format.description].filter(Boolean).join(": ")}.`);
  if (format.schema !== undefined)
    lines.push(`It must match this JSON schema:\n${schemaText(format.schema)}`);
  return lines.join("\n");
}

export function toolInstructions(
  tools: LanguageModelV3FunctionTool[],
  mode: "call" | "call-or-json",
): string {
  const list = tools
    .map(
      (tool) =>
        `- ${tool.name}${tool.description ? `: ${tool.description}` : ""}\n  arguments schema: ${schemaText(tool.inputSchema)}`,
    )
    .join("\n");
  const call = '{"name": "<tool name>", "arguments": {…}}';
  const how =
    mode === "call"
      ? `Call one of these tools now by replying with ${call} and nothing else.`
      : `To call a tool, reply with ${TOOL_CALL_MARKER} followed by ${call}. Otherwise reply with the JSON answer.`;
  return `You can use these tools:\n${list}\n${how}`;
}

/** `history` with `text` added to its leading system message (or as a new first system message). */
export function withSystemText(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const first = history[0];
  if (first?.type === "system" && typeof first.text === "string") {
    return [{ type: "system", text: `${first.text}\n\n${text}` }, ...history.slice(1)];
  }
  return [{ type: "system", text }, ...history];
}
