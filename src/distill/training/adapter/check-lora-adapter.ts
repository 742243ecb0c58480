import { readGgufFileInfo } from "node-llama-cpp";
import { TrainingError } from "../../../spec/students.js";

export interface LoraAdapterFacts {
  architecture: string;
  /** The largest rank of its pairs. */
  rank: number;
  /** `adapter.lora.alpha`, or null when absent (llama.cpp then scales by `scale` alone). */
  alpha: number | null;
  /** lora_a/lora_b pairs. */
  tensors: number;
}

interface Header {
  general: { type?: unknown; architecture?: unknown };
  adapter: { type?: unknown; lora?: { alpha?: unknown } };
  tensors: Map<string, number[]>;
}

const HINT_CONVERT =
  "Convert a PEFT adapter with llama.cpp's convert_lora_to_gguf.py (--base the Hugging Face folder of the base); a merged model is added with `alambique models add`.";

/**
 * Checks, from the GGUF headers alone (no native code), that `adapter` is a
 * LoRA adapter llama.cpp will apply to the model `base`, with the checks
 * llama.cpp's adapter loader makes: `general.type` adapter, `adapter.type`
 * lora, the base's architecture, every tensor a `W.lora_a`/`W.lora_b` pair
 * of a weight `W` the base has, with A [in, r] and B [r, out] for W [in, out]
 * (`token_embd`'s pair is flipped: llama.cpp checks B's second size against
 * W's first and A's second against W's second).
 *
 * Throws TrainingError `adapter_invalid` (not a GGUF adapter, or the base is
 * one) and `adapter_mismatch` (made for another model: what does not fit,
 * the first few named).
 */
export async function checkLoraAdapter(adapter: string, base: string): Promise<LoraAdapterFacts> {
  const a = await header(adapter, "adapter");
  const b = await header(base, "base");
  if (a.general.type !== "adapter" || a.adapter.type !== "lora") {
    const what =
      a.general.type === "adapter"
        ? `an adapter of type ${String(a.adapter.type)}, not a LoRA`
        : `a ${String(a.general.type ?? "model")}, not a LoRA adapter (general.type is ${JSON.stringify(a.general.type ?? null)})`;
    throw new TrainingError("adapter_invalid", `${adapter} is ${what}`, { hint: HINT_CONVERT });
  }
  if (b.general.type === "adapter") {
    throw new TrainingError("adapter_invalid", `the base ${base} is itself an adapter, not a model`, {
      hint: "Give the model the adapter was trained from as --base.",
    });
  }
  if (a.general.architecture !== b.general.architecture) {
    throw new TrainingError(
      "adapter_mismatch",
      `${adapter} is an adapter for the ${String(a.general.architecture)} architecture; the base ${base} is ${String(b.general.architecture)}`,
      { hint: "Import it onto the model it was trained from." },
    );
  }
  const pairs = new Map<string, { a?: number[]; b?: number[] }>();
  const problems: string[] = [];
  for (const [name, dims] of a.tensors) {
    const match = /^(.+)\.lora_([ab])$/.exec(name);
    if (!match) {
      problems.push(`${name} is not a lora_a/lora_b tensor`);
      continue;
    }
    const pair = pairs.get(match[1]!) ?? {};
    pair[match[2] as "a" | "b"] = dims;
    pairs.set(match[1]!, pair);
  }
  if (pairs.size === 0 && problems.length === 0) {
    throw new TrainingError("adapter_invalid", `${adapter} has no LoRA tensors`, { hint: HINT_CONVERT });
  }
  let rank = 0;
  for (const [name, pair] of pairs) {
    const weight = b.tensors.get(name);
    if (!pair.a || !pair.b) {
      problems.push(`${name} has a lora_${pair.a ? "a" : "b"} but no lora_${pair.a ? "b" : "a"}`);
    } else if (!weight) {
      problems.push(`${name} is not a tensor of the base`);
    } else {
      const [inA, rA] = [pair.a[0], pair.a[1] ?? 1];
      const [rB, outB] = [pair.b[0], pair.b[1] ?? 1];
      // token_embd's pair is applied to the rows it looks up, A and B flipped: llama.cpp checks only this.
      const fits =
        name === "token_embd.weight"
          ? weight[0] === pair.b[1] && weight[1] === pair.a[1]
          : weight[0] === inA && (weight[1] ?? 1) === outB && rA === rB;
      if (!fits) {
        problems.push(
          `${name} is [${weight.join(", ")}] in the base, the adapter's A is [${pair.a.join(", ")}] and B [${pair.b.join(", ")}]`,
        );
      }
      rank = Math.max(rank, name === "token_embd.weight" ? pair.a[0]! : rA);
    }
  }
  if (problems.length > 0) {
    throw new TrainingError(
      "adapter_mismatch",
      `${adapter} does not fit the base ${base}: ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? "; …" : ""}`,
      { hint: "Import it onto the model it was trained from (same architecture and sizes)." },
    );
  }
  const alpha = a.adapter.lora?.alpha;
  return {
    architecture: String(a.general.architecture),
    rank,
    alpha: typeof alpha === "number" && alpha !== 0 ? alpha : null,
    tensors: pairs.size,
  };
}

async function header(path: string, role: "adapter" | "base"): Promise<Header> {
  try {
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const metadata = info.metadata as unknown as Partial<Header>;
    return {
      general: metadata.general ?? {},
      adapter: metadata.adapter ?? {},
      tensors: new Map((info.tensorInfo ?? []).map((t) => [t.name, t.dimensions.map(Number)])),
    };
  } catch (error) {
    const reason = (error as { code?: string }).code === "ENOENT" ? "does not exist" : "is not a GGUF file";
    throw new TrainingError(
      "adapter_invalid",
      `the ${role} ${path} ${reason} (${(error as Error).message})`,
      {
        hint: role === "adapter" ? HINT_CONVERT : "Give the base as a catalog name or a .gguf path.",
        cause: error,
      },
    );
  }
}
