/**
 * JSON answers a remote engine cut at the token limit, closed the shortest
 * valid way, as the embedded provider closes its own (`completeJsonPrefix`):
 * an engine that constrains decoding (llama-server's json_schema grammar,
 * vLLM's guided decoding, Ollama's `format`) guarantees every prefix can
 * still become a matching document, but `max_tokens` stops it half-way.
 *
 * Only output that finished with `length` is touched: an engine that ignored
 * the schema and stopped on its own wrote something else, and inventing a
 * document around it would pass nonsense off as an answer (the caller's
 * validation rejects it instead). Output that already parses and matches is
 * left alone. A closed answer keeps finish reason `length` and is flagged
 * `providerMetadata.alambique.completedJson`.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
} from "@ai-sdk/provider";
import { completeJsonPrefix } from "../llamacpp/grammar/complete-json-prefix.js";
import type { JsonSchemaDefinition } from "../llamacpp/grammar/json-schema.js";
import { matchesSchema } from "../llamacpp/grammar/schema-validator.js";

type Schema = JsonSchemaDefinition;

/** The schema a call asks its answer to match, or undefined when it asks for no JSON. */
export function jsonAnswerSchema(options: LanguageModelV3CallOptions): Schema | undefined {
  if (options.responseFormat?.type !== "json") return undefined;
  return (options.responseFormat.schema ?? { type: "object" }) as Schema;
}

/** The rest that closes `text` into a matching document, or undefined when it needs none or cannot be closed. */
export function closingText(text: string, schema: Schema): string | undefined {
  if (isComplete(text, schema)) return undefined;
  const start = text.length - text.trimStart().length;
  const completed = completeJsonPrefix(text.slice(start), schema);
  const prefix = text.slice(start);
  return completed?.startsWith(prefix) ? completed.slice(prefix.length) : undefined;
}

/** `doGenerate`'s result with a cut JSON answer closed. */
export function closeGeneratedJson(
  result: LanguageModelV3GenerateResult,
  schema: Schema,
): LanguageModelV3GenerateResult {
  if (result.finishReason.unified !== "length") return result;
  const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
  // A trailing comma is dropped by the closing (`{"a":1,` → `{"a":1}`), so it is closed from the text without it.
  const kept = text.replace(/,\s*$/, "");
  const rest = closingText(kept, schema);
  if (rest === undefined) return result;
  const others = result.content.filter((part) => part.type !== "text");
  return {
    ...result,
    content: [{ type: "text", text: kept + rest }, ...others],
    providerMetadata: flagged(result.providerMetadata),
  };
}

/**
 * A stream whose cut JSON answer is closed before its `finish`. A trailing
 * comma (with any whitespace after it) is held back until more text follows,
 * so that the closing, which drops it, still extends what was streamed; the
 * text's end and whatever follows it wait for the finish reason.
 */
export function closeStreamedJson(
  schema: Schema,
): TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart> {
  let sent = "";
  let held = "";
  let textId: string | undefined;
  const waiting: LanguageModelV3StreamPart[] = [];
  return new TransformStream({
    transform(part, controller) {
      if (part.type === "text-delta") {
        textId = part.id;
        const text = held + part.delta;
        held = /,\s*$/.exec(text)?.[0] ?? "";
        const out = text.slice(0, text.length - held.length);
        sent += out;
        if (out !== "") controller.enqueue({ ...part, delta: out });
        return;
      }
      if (part.type === "finish") {
        const rest = part.finishReason.unified === "length" ? closingText(sent, schema) : undefined;
        const tail = rest ?? held;
        if (tail !== "" && textId !== undefined)
          controller.enqueue({ type: "text-delta", id: textId, delta: tail });
        for (const w of waiting.splice(0)) controller.enqueue(w);
        controller.enqueue(
          rest === undefined ? part : { ...part, providerMetadata: flagged(part.providerMetadata) },
        );
        return;
      }
      if (part.type === "text-end" || waiting.length > 0) waiting.push(part);
      else controller.enqueue(part);
    },
    flush(controller) {
      for (const w of waiting.splice(0)) controller.enqueue(w);
    },
  });
}

function isComplete(text: string, schema: Schema): boolean {
  try {
    return matchesSchema(schema, JSON.parse(text)) !== false;
  } catch {
    return false;
  }
}

function flagged(metadata: SharedV3ProviderMetadata | undefined): SharedV3ProviderMetadata {
  return { ...metadata, alambique: { ...metadata?.alambique, completedJson: true } };
}
