import {
  getLlama,
  JinjaTemplateChatWrapper,
  type Llama,
  Llama3ChatWrapper,
  LlamaChatSession,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
  type Token,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BpeTokenizer } from "./bpe-tokenizer.js";
import { trainBpe } from "./bpe-trainer.js";
import { readForgeCorpus } from "./forge-corpus.js";
import { FORGE_PRESETS } from "./forge-presets.js";
import { forgedModelPath } from "./forged-model.fixture.js";
import { LLAMA3_CHAT_TEMPLATE } from "./llama3-vocab.js";

/**
 * The forge's real acceptance test: llama.cpp (through node-llama-cpp, on the
 * CPU, one thread as FACTS.md requires for tiny models) loads forged files
 * without complaint, tokenizes as the forge does, generates, obeys a JSON-schema
 * grammar and chats through its Llama 3 wrapper.
 */
let llama: Llama;
let model: LlamaModel;
const complaints: string[] = [];

beforeAll(async () => {
  const path = await forgedModelPath("tiny", 1);
  llama = await getLlama({
    gpu: false,
    build: "never",
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      if (level === LlamaLogLevel.warn || level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
        complaints.push(`${level}: ${message}`);
      }
    },
  });
  model = await llama.loadModel({ modelPath: path });
});

afterAll(async () => {
  await model?.dispose();
  await llama?.dispose();
});

function vocabularySize(m: LlamaModel): number {
  return m.fileInfo.metadata.tokenizer.ggml.tokens.length;
}

const texts = [
  "panadería",
  "¿Cuándo abren?",
  "¡Hola! Quería encargar dos hogazas de masa madre para el sábado, por favor. Me llamo Begoña.",
  "Hello, what time do you open on Sunday? I'd like 2 croissants (1.40 each).",
  "Línea 1\n\nLínea 2\r\n\ttab  and   spaces 😀 ñÑ",
];

describe("a forged tiny model in llama.cpp", () => {
  it("loads with the forged metadata and no llama.cpp warnings", () => {
    expect(complaints).toEqual([]);
    expect(model.fileInfo.metadata.general.name).toBe("alambique-forge-tiny");
    expect(model.trainContextSize).toBe(4096);
    expect(model.tokens.bosString).toBe("<|begin_of_text|>");
    expect(model.tokens.eosString).toBe("<|end_of_text|>");
    expect(model.detokenize([model.tokens.eot!], true)).toBe("<|eot_id|>");
  });

  it("tokenizes English and Spanish and detokenizes back to the same string", () => {
    for (const text of texts) {
      const tokens = model.tokenize(text);
      expect(model.detokenize(tokens)).toBe(text);
    }
    // Real merges: whole words, not bytes.
    expect(model.tokenize("panadería").length).toBeLessThanOrEqual(3);
    expect(model.tokenize("Hello, what time do you open on Sunday?").length).toBeLessThan(14);
  });

  it("splits text exactly as the forge's own tokenizer does", async () => {
    const corpus = await readForgeCorpus();
    const ours = new BpeTokenizer(
      trainBpe(corpus, { maxMerges: FORGE_PRESETS.tiny.maxMerges, minFrequency: 1 }),
    );
    const samples = [...texts, ...corpus.join("\n").split(/\n(?=\n)/), "we'LL see 12345 'tis \u00a0x"];
    for (const text of samples) expect(Array.from(model.tokenize(text))).toEqual(ours.encode(text));
  });

  it("parses its special tokens only when asked to", () => {
    const header = model.tokenize("<|start_header_id|>", true);
    expect(header).toHaveLength(1);
    expect(model.isSpecialToken(header[0])).toBe(true);
    expect(model.tokenize("<|start_header_id|>").length).toBeGreaterThan(1);
  });

  it("generates 50 tokens on one thread", async () => {
    const context = await model.createContext({ contextSize: 2048, threads: 1 });
    try {
      const sequence = context.getSequence();
      const generated: Token[] = [];
      for await (const token of sequence.evaluate(model.tokenize("The bakery opens at"), {
        temperature: 0,
      })) {
        generated.push(token);
        if (generated.length === 50) break;
      }
      expect(generated).toHaveLength(50);
      expect(generated.every((t) => t >= 0 && t < vocabularySize(model))).toBe(true);
      expect(new Set(generated).size).toBeGreaterThan(1);
    } finally {
      await context.dispose();
    }
  });

  it.each([1, 2, 3])("samples only printable, valid UTF-8 text (sampling seed %i)", async (seed) => {
    const context = await model.createContext({ contextSize: 2048, threads: 1 });
    try {
      const generated: Token[] = [];
      const prompt = model.tokenize("¿Cuándo abren?");
      for await (const token of context.getSequence().evaluate(prompt, { temperature: 1, seed })) {
        generated.push(token);
        if (generated.length === 300) break;
      }
      const text = model.detokenize(generated);
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/[\ufffd\u0000-\u0008\u000b-\u001f\u007f]/);
    } finally {
      await context.dispose();
    }
  });

  it("renders its chat template, which node-llama-cpp maps to its Llama 3 wrapper", () => {
    expect(resolveChatWrapper(model)).toBeInstanceOf(Llama3ChatWrapper);
    const jinja = new JinjaTemplateChatWrapper({
      template: LLAMA3_CHAT_TEMPLATE,
      tokenizer: model.tokenizer,
    });
    const { contextText } = jinja.generateContextState({
      chatHistory: [
        { type: "system", text: "Be brief." },
        { type: "user", text: "¿Cuándo abren?" },
        { type: "model", response: [] },
      ],
    });
    const rendered = contextText.toString();
    expect(rendered).toContain("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>");
    expect(rendered).toContain("<|start_header_id|>user<|end_header_id|>\n\n¿Cuándo abren?<|eot_id|>");
    expect(rendered).toContain("<|start_header_id|>assistant<|end_header_id|>\n\n");
  });

  it("answers a LlamaChatSession prompt, default system prompt included, well within the context", async () => {
    const context = await model.createContext({ contextSize: 2048, threads: 1 });
    try {
      const sequence = context.getSequence();
      const session = new LlamaChatSession({ contextSequence: sequence });
      expect(session.chatWrapper).toBeInstanceOf(Llama3ChatWrapper);
      const answer = await session.prompt("Hola, ¿a qué hora abre la panadería el domingo?", {
        maxTokens: 24,
      });
      expect(typeof answer).toBe("string");
      const history = session.getChatHistory();
      expect(history.map((item) => item.type)).toEqual(["system", "user", "model"]);
      // System prompt + question + answer: a few hundred tokens at most with real merges.
      expect(sequence.nextTokenIndex).toBeGreaterThan(24);
      expect(sequence.nextTokenIndex).toBeLessThan(400);
    } finally {
      await context.dispose();
    }
  });
});

describe("JSON-schema grammar on forged models", () => {
  const schema = {
    type: "object",
    properties: {
      intent: { enum: ["order", "hours", "refund", "delivery"] },
      urgent: { type: "boolean" },
      items: { type: "array", items: { enum: ["bread", "cake", "bike"] }, maxItems: 3 },
      note: { type: "string", maxLength: 24 },
    },
  } as const;

  it.each([1, 2, 3])("yields JSON that parses and matches the schema (model seed %i)", async (seed) => {
    const seeded =
      seed === 1 ? model : await llama.loadModel({ modelPath: await forgedModelPath("tiny", seed) });
    const context = await seeded.createContext({ contextSize: 2048, threads: 1 });
    try {
      const grammar = await llama.createGrammarForJsonSchema(schema);
      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      const text = await session.prompt("Quiero dos barras de pan para mañana.", { grammar, maxTokens: 400 });
      const value = JSON.parse(text) as Record<string, unknown>;
      expect(grammar.parse(text)).toEqual(value);
      expect(Object.keys(value).sort()).toEqual(["intent", "items", "note", "urgent"]);
      expect(schema.properties.intent.enum).toContain(value.intent);
      expect(typeof value.urgent).toBe("boolean");
      expect((value.items as string[]).length).toBeLessThanOrEqual(3);
      expect((value.note as string).length).toBeLessThanOrEqual(24);
    } finally {
      await context.dispose();
      if (seeded !== model) await seeded.dispose();
    }
  });
});

describe("a forged small model in llama.cpp", () => {
  it("loads its F16 weights and generates", async () => {
    const small = await llama.loadModel({ modelPath: await forgedModelPath("small", 1) });
    try {
      expect(small.fileInfo.metadata.general.name).toBe("alambique-forge-small");
      const context = await small.createContext({ contextSize: 2048, threads: 1 });
      const generated: Token[] = [];
      for await (const token of context.getSequence().evaluate(small.tokenize("¿Cuándo abren?"))) {
        generated.push(token);
        if (generated.length === 20) break;
      }
      expect(generated).toHaveLength(20);
      expect(small.detokenize(small.tokenize("¿Cuándo abren? panadería"))).toBe("¿Cuándo abren? panadería");
      await context.dispose();
    } finally {
      await small.dispose();
    }
  });
});
