/**
 * An "instant" language model for tests and benchmarks of the engine: a real
 * `LanguageModelV3` that answers at once — JSON that matches the call's
 * schema when one is asked for, a short text otherwise — so that what is
 * measured or tested is the pipeline around it, not inference. Strings are
 * drawn from a word list seeded by the call's seed (or its call number), so
 * rows differ and near-duplicate removal does not eat them.
 *
 * `behave(call)` can make a call fail (throw the error it returns), hang
 * until aborted, or wait: a teacher that rate-limits, times out or dies.
 */
import type {
  JSONSchema7,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import type { LanguageModelV3 } from "../../spec/models.js";

export type InstantBehaviour = { fail: unknown } | { hang: true } | { delayMs: number } | undefined;

export interface InstantModel extends LanguageModelV3 {
  /** Calls started so far. */
  readonly calls: number;
}

const words = (
  "pan tarta horno masa harina levadura centeno espelta croissant ensaimada chocolate crema nata " +
  "sourdough rye loaf crust oven flour butter almond cinnamon sugar honey morning order pickup " +
  "delivery monday sunday gluten allergy price euro box gift birthday slice fresh warm crispy"
).split(" ");

export function instantModel(
  options: { modelId?: string; behave?: (call: number) => InstantBehaviour } = {},
): InstantModel {
  let calls = 0;
  const generate = async (call: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
    const n = calls++;
    const behaviour = options.behave?.(n);
    if (behaviour && "fail" in behaviour) throw behaviour.fail;
    if (behaviour && ("hang" in behaviour || "delayMs" in behaviour)) {
      await new Promise<void>((resolve, reject) => {
        const timer = "delayMs" in behaviour ? setTimeout(resolve, behaviour.delayMs) : undefined;
        call.abortSignal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(call.abortSignal?.reason);
        });
      });
    }
    const random = mulberry32(call.seed ?? n + 1);
    const format = call.responseFormat;
    const text =
      format?.type === "json"
        ? JSON.stringify(
            format.schema ? example(format.schema, format.schema, random) : { text: phrase(random, 6) },
          )
        : phrase(random, 8);
    const promptChars = JSON.stringify(call.prompt).length;
    return {
      content: [{ type: "text", text }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: {
          total: Math.ceil(promptChars / 4),
          noCache: undefined,
          cacheRead: undefined,
          cacheWrite: undefined,
        },
        outputTokens: { total: Math.ceil(text.length / 4), text: undefined, reasoning: undefined },
      },
      warnings: [],
    };
  };
  return {
    specificationVersion: "v3",
    provider: "instant",
    modelId: options.modelId ?? "instant",
    supportedUrls: {},
    get calls() {
      return calls;
    },
    doGenerate: generate,
    async doStream(call) {
      const result = await generate(call);
      const text = result.content[0]?.type === "text" ? result.content[0].text : "";
      const parts: LanguageModelV3StreamPart[] = [
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: text },
        { type: "text-end", id: "t" },
        { type: "finish", finishReason: result.finishReason, usage: result.usage },
      ];
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}

type Schema = JSONSchema7;

/** A small value that matches `schema` (objects get their required properties). */
function example(schema: Schema | boolean, root: Schema, random: () => number, depth = 0): unknown {
  if (typeof schema === "boolean" || depth > 12) return null;
  if (schema.$ref) return example(resolveRef(schema.$ref, root), root, random, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[Math.floor(random() * schema.enum.length)];
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice?.length) return example(choice[0]!, root, random, depth + 1);
  if (schema.allOf?.length) return example(schema.allOf[0]!, root, random, depth + 1);
  const type = Array.isArray(schema.type)
    ? (schema.type.find((t: string) => t !== "null") ?? "null")
    : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? Object.keys(schema.properties ?? {}));
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(name)) out[name] = example(property, root, random, depth + 1);
      }
      return out;
    }
    case "array": {
      const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
      const length = Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 2, 2));
      return Array.from({ length }, () => (items ? example(items, root, random, depth + 1) : null));
    }
    case "integer":
    case "number": {
      const min =
        schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Number(schema.exclusiveMinimum) + 1 : 1);
      const max = schema.maximum ?? min + 4;
      const value = min + Math.floor(random() * (max - min + 1));
      return type === "integer" ? Math.min(max, Math.ceil(value)) : Math.min(max, value);
    }
    case "boolean":
      return random() < 0.5;
    case "null":
      return null;
    default:
      return text(schema, random);
  }
}

function text(schema: Schema, random: () => number): string {
  const formats: Record<string, string> = {
    date: "2026-11-24",
    "date-time": "2026-11-24T10:00:00Z",
    email: "cliente@example.com",
    uri: "https://example.com/",
    uuid: "0193a5c2-7f1e-7a3b-9c4d-1e2f3a4b5c6d",
  };
  if (schema.format && formats[schema.format]) return formats[schema.format]!;
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    const found = ["S1", "LE-1234", "es", "a", "1", "x1"].find((candidate) => pattern.test(candidate));
    if (found) return found;
  }
  const max = schema.maxLength ?? 120;
  const min = schema.minLength ?? 0;
  let value = phrase(random, 10);
  while (value.length < min) value += ` ${phrase(random, 4)}`;
  return value.slice(0, max).trimEnd().padEnd(min, "x");
}

function phrase(random: () => number, count: number): string {
  return Array.from({ length: count }, () => words[Math.floor(random() * words.length)]!).join(" ");
}

function resolveRef(ref: string, root: Schema): Schema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return (node ?? {}) as Schema;
}

/** A small, fast, seeded generator (Mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
