/**
 * Test fixture for evaluation: the demo bakery in a real SQLite store with
 * its knowledge, the forged model as the teacher (`forged-teacher`, seed 1)
 * and another forged model as the student (`forged-student`, seed 2, priced
 * lower), and a dataset `la-espiga@1` written by hand from the bakery's FAQ:
 * training rows, and a test split of single questions and a conversation with
 * a tool call. The models speak nonsense; the mechanics are real.
 */
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import type { Split, SynthRow } from "../../spec/distill.js";
import type { Dataset, Store } from "../../spec/store.js";
import { type DemoSynthStore, demoSynthStore } from "../pipeline/synth-test.fixture.js";

export { FORGED_TEACHER } from "../pipeline/synth-test.fixture.js";
export const FORGED_STUDENT = "forged-student";

export interface EvalDemo extends DemoSynthStore {
  dataset: Dataset;
}

export async function evalDemoStore(dir?: string): Promise<EvalDemo> {
  const demo = await demoSynthStore(dir);
  await addForgedStudent(demo.store);
  const dataset = await demo.store.datasets.create({
    tenantId: demo.tenant.id,
    name: "la-espiga",
    card: card(),
    rows: demoRows(),
  });
  return { ...demo, dataset };
}

export async function addForgedStudent(store: Store, name = FORGED_STUDENT): Promise<void> {
  await store.models.add({
    name,
    source: `gguf:${await forgedModelPath("tiny", 2)}`,
    architecture: "llama",
    parameterCount: null,
    quantization: null,
    contextLength: 4096,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: { threads: 1, contextSize: 4096, pricePerMillionInput: 0.05, pricePerMillionOutput: 0.1 },
  });
}

export function row(key: string, turns: [string, string][], extra: Partial<SynthRow> = {}): SynthRow {
  return {
    key,
    messages: turns.flatMap(([question, answer]) => [
      { role: "user" as const, content: question },
      { role: "assistant" as const, content: answer },
    ]),
    intent: "horarios",
    provenance: { kind: "qa", chunkIds: [], language: "es", evolved: 0, teacher: "forged-teacher", seed: 1 },
    judgement: { groundedness: 5, helpfulness: 5, policy: 5, languageMatch: 5, rationale: "ok" },
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 10, outputTokens: 10 },
    ...extra,
  };
}

/** A conversation whose second turn checks an order: the row's tool call is what both models are scored against. */
export const orderConversation: SynthRow = row("conv-orden", [], {
  intent: "pedidos",
  messages: [
    { role: "user", content: "Hola, encargué una tarta de cumpleaños" },
    { role: "assistant", content: "¡Hola! ¿Me dices el número del pedido?" },
    { role: "user", content: "Es el LE-2051, ¿está lista?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "c1",
          type: "function",
          function: { name: "order_status", arguments: '{"order_id":"LE-2051"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: '{"status":"ready","simulated":true}' },
    { role: "assistant", content: "Tu tarta LE-2051 está lista para recoger." },
  ],
});

export function demoRows(): { split: Split; row: SynthRow }[] {
  return [
    { split: "train", row: row("train-1", [["¿Tenéis pan de espelta integral los martes?", "Sí [S1]."]]) },
    { split: "train", row: row("train-2", [["Do you deliver birthday cakes to Benimaclet?", "Yes [S1]."]]) },
    {
      split: "test",
      row: row("test-domingo", [["¿Abrís el domingo por la mañana?", "Sí, de 8:00 a 14:30 [S1]."]]),
    },
    {
      split: "test",
      row: row("test-gluten", [["Do you have gluten-free bread?", "We cannot guarantee no traces [S1]."]], {
        provenance: {
          kind: "qa",
          chunkIds: [],
          language: "en",
          evolved: 0,
          teacher: "forged-teacher",
          seed: 1,
        },
      }),
    },
    { split: "test", row: orderConversation },
  ];
}

function card() {
  return {
    agent: "la-espiga",
    teacher: { name: "forged-teacher", licenseId: "apache-2.0" },
    judge: null,
    filters: {},
    counts: { train: 2, validation: 0, test: 3, dropped: {} },
    languages: ["es", "en"],
    contentHash: "fixture-la-espiga-1",
  };
}
