import { gbnfLiteral } from "./gbnf-base.js";
import type { JsonSchemaDefinition } from "./json-schema.js";
import { JsonSchemaGbnf } from "./json-schema-gbnf.js";

/**
 * The grammars the language model constrains generation with, and the parser
 * for what they produce. Three shapes:
 *
 * - `json`: the answer is one JSON value matching the response schema;
 * - `tool`: the answer is one tool call, `{"name":"…","arguments":{…}}`, whose
 *   arguments match that tool's input schema (used when a call is required);
 * - `json-or-tool`: either a tool call introduced by `<tool_call>` or the JSON
 *   answer. The marker keeps the two apart even when the answer schema could
 *   itself look like a call.
 *
 * Every grammar ends in `TERMINATOR`, which is also a stop trigger: generation
 * ends the moment the value is complete, whatever the model's end-of-turn token.
 */

export const TERMINATOR = "\n\n\n\n";
export const TOOL_CALL_MARKER = "<tool_call>";

export interface GrammarTool {
  name: string;
  inputSchema: JsonSchemaDefinition;
}

export type StructuredMode =
  | { kind: "json"; schema: JsonSchemaDefinition | undefined }
  | { kind: "tool"; tools: GrammarTool[] }
  | { kind: "json-or-tool"; schema: JsonSchemaDefinition | undefined; tools: GrammarTool[] };

/** Any JSON object: what `responseFormat: { type: "json" }` without a schema asks for. */
const ANY_OBJECT: JsonSchemaDefinition = { type: "object" };

/** GBNF text for `mode`. Throws `ValidationError` when a schema uses a keyword the grammar cannot honour. */
export function buildStructuredGrammar(mode: StructuredMode): string {
  const compiler = new JsonSchemaGbnf();
  const calls = () => {
    const alternatives = (mode as { tools: GrammarTool[] }).tools.map((tool) => {
      const args = compiler.add(tool.inputSchema, `tool ${tool.name}`);
      return `${gbnfLiteral(`{"name":${JSON.stringify(tool.name)},"arguments":`)} ${args} "}"`;
    });
    return alternatives.length === 1 ? alternatives[0]! : alternatives.map((a) => `(${a})`).join(" | ");
  };
  const terminator = gbnfLiteral(TERMINATOR);
  switch (mode.kind) {
    case "json":
      return compiler.build(`${compiler.add(mode.schema ?? ANY_OBJECT, "response")} ${terminator}`);
    case "tool":
      return compiler.build(`(${calls()}) ${terminator}`);
    case "json-or-tool": {
      const answer = compiler.add(mode.schema ?? ANY_OBJECT, "response");
      return compiler.build(`(${gbnfLiteral(TOOL_CALL_MARKER)} (${calls()}) | ${answer}) ${terminator}`);
    }
  }
}

export type StructuredOutput =
  | { type: "json"; text: string }
  | { type: "tool-call"; toolName: string; input: string };

/**
 * Splits grammar output into the JSON answer or the tool call. `text` is what
 * the model wrote, without the terminator. Returns `undefined` when the text is
 * incomplete (generation stopped early: maxOutputTokens, abort).
 */
export function parseStructuredOutput(text: string, mode: StructuredMode): StructuredOutput | undefined {
  const trimmed = text.trim();
  const isCall =
    mode.kind === "tool" || (mode.kind === "json-or-tool" && trimmed.startsWith(TOOL_CALL_MARKER));
  const body = mode.kind === "json-or-tool" && isCall ? trimmed.slice(TOOL_CALL_MARKER.length) : trimmed;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isCall) return { type: "json", text: body };
  const call = value as { name: string; arguments: unknown };
  return { type: "tool-call", toolName: call.name, input: JSON.stringify(call.arguments) };
}

/**
 * Follows a growing tool-call text and reports the arguments as they stream:
 * once `{"name":"…","arguments":` is complete, everything after it except the
 * closing `}` is argument text. Returns the new argument text since the last
 * call, holding back the final character until `finish`.
 */
export class ToolCallStreamSplitter {
  #text = "";
  #argsStart = -1;
  #emitted = 0;
  toolName: string | undefined;

  push(delta: string): { started?: string; argsDelta: string } {
    this.#text += delta;
    let started: string | undefined;
    if (this.#argsStart < 0) {
      const head = /^\s*(?:<tool_call>)?\{"name":("(?:[^"\\]|\\.)*"),"arguments":/.exec(this.#text);
      if (!head) return { argsDelta: "" };
      this.toolName = JSON.parse(head[1]!) as string;
      this.#argsStart = head[0].length;
      this.#emitted = this.#argsStart;
      started = this.toolName;
    }
    // Hold back one character: the call's closing brace must not reach the arguments.
    const end = Math.max(this.#emitted, this.#text.length - 1);
    const argsDelta = this.#text.slice(this.#emitted, end);
    this.#emitted = end;
    return started === undefined ? { argsDelta } : { started, argsDelta };
  }
}
