import type { ChunkDraft } from "./chunk-draft.js";
import { foldText } from "./fold-text.js";

const questionKeys = new Set(["question", "questions", "pregunta", "preguntas", "q", "faq"]);
const answerKeys = new Set(["answer", "answers", "respuesta", "respuestas", "a", "reply", "response"]);
const nameKeys = [
  "name",
  "nombre",
  "product",
  "producto",
  "title",
  "titulo",
  "item",
  "articulo",
  "service",
  "servicio",
];

/** A key as matched against the names above: folded, letters only (`Pregunta (ES)` → `preguntaes`). */
function keyName(key: string): string {
  return foldText(key).replace(/[^a-z]/g, "");
}

/** The field named like `names` (exactly, or followed by a language or number suffix), if any. */
function findKey(keys: string[], names: Set<string> | string[]): string | undefined {
  const list = [...names];
  for (const name of list) {
    const exact = keys.find((key) => keyName(key) === name);
    if (exact !== undefined) return exact;
  }
  return keys.find((key) => list.some((name) => name.length > 1 && keyName(key).startsWith(name)));
}

/**
 * One record (a CSV row, a JSON object) as a chunk.
 *
 * - FAQ: a question field and an answer field (`question`/`pregunta`/`q`,
 *   `answer`/`respuesta`/`a`): title = the question, text = the answer
 *   followed by the other fields as `Label: value` lines, metadata = the
 *   record with `question` and `answer` set.
 * - Anything else (a catalog row): title = its name-like field (`nombre`,
 *   `producto`, `name`…; else the first field), text = every field as
 *   `Label: value` joined by `; ` (`Producto: Croissant; Precio: 1,20 €`),
 *   metadata = the record.
 *
 * Nested objects are flattened (`precio.es`), arrays of scalars joined with
 * `, `; empty values are left out. Undefined when the record has no value.
 */
export function recordChunk(record: Record<string, unknown>, location: string): ChunkDraft | undefined {
  const fields = flatten(record);
  const keys = [...fields.keys()];
  if (keys.length === 0) return undefined;
  const { question, answer, name } = classifyKeys(keys);
  if (question !== undefined && answer !== undefined && question !== answer) {
    const rest = keys
      .filter((key) => key !== question && key !== answer)
      .map((key) => `${key}: ${fields.get(key)}`);
    const answerText = fields.get(answer) ?? "";
    return {
      title: fields.get(question) ?? null,
      text: [answerText, ...rest].join("\n"),
      location,
      metadata: { ...record, question: fields.get(question), answer: answerText },
    };
  }
  const nameKey = name ?? keys[0];
  return {
    title: nameKey === undefined ? null : (fields.get(nameKey) ?? null),
    text: keys.map((key) => `${key}: ${fields.get(key)}`).join("; "),
    location,
    metadata: { ...record },
  };
}

// Rows of one file share their keys: classify each set of keys once (bounded, for JSON of many shapes).
const classified = new Map<string, { question?: string; answer?: string; name?: string }>();

function classifyKeys(keys: string[]): { question?: string; answer?: string; name?: string } {
  const signature = keys.join("\u0000");
  let found = classified.get(signature);
  if (found === undefined) {
    if (classified.size >= 256) classified.clear();
    found = {
      question: findKey(keys, questionKeys),
      answer: findKey(keys, answerKeys),
      name: findKey(keys, nameKeys),
    };
    classified.set(signature, found);
  }
  return found;
}

/** Non-empty scalar values by their (dotted) key, in the record's order. */
function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) {
      const joined = value
        .filter((v) => v !== null && v !== "")
        .map(String)
        .join(", ");
      if (joined !== "" && prefix !== "") out.set(prefix, joined);
    } else {
      for (const [i, v] of value.entries()) flatten(v, `${prefix}[${i}]`, out);
    }
    return out;
  }
  if (typeof value === "object") {
    for (const [key, v] of Object.entries(value))
      flatten(v, prefix === "" ? key.trim() : `${prefix}.${key}`, out);
    return out;
  }
  const text = String(value).trim();
  if (text !== "" && prefix !== "") out.set(prefix, text);
  return out;
}
