import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "../../models/llamacpp/create-llamacpp-provider.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { RoutingRecord } from "../../spec/routing.js";
import { scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { inCanary } from "./generate-student-first.js";
import { runAgentTurn } from "./run-agent-turn.js";

/**
 * Student-first routing through the real turn, with a forged student on real
 * llama.cpp: its token probabilities are its own (random weights make them
 * low, and different from one question to the next), so the share of turns
 * the teacher takes must follow the threshold. The teacher is scripted.
 */
let world: TurnWorld;
let provider: LlamaCppProvider;
let student: LanguageModelV3;

const questions = [
  "¿cuánto cuesta la tarta de queso?",
  "¿dónde se recogen los pedidos?",
  "¿con cuánta antelación se encarga una tarta?",
  "¿y la tarta de chocolate?",
  "¿a qué hora se recogen?",
  "¿cuánto cuesta la de chocolate?",
];

beforeAll(async () => {
  world = await createTurnWorld({ model: "student", fallbackModel: "teacher" });
  provider = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 1, gpu: false });
  student = provider.languageModel(await forgedModelPath("tiny", 1));
});
afterAll(async () => {
  await provider?.dispose();
  await world?.close();
});

async function play(minTokenConfidence: number, round: string): Promise<RoutingRecord[]> {
  const spec = agentSpecSchema.parse({
    ...world.spec,
    routing: { escalate: { minTokenConfidence, minRetrievalConfidence: 0, repeatedQuestion: false } },
  });
  const records: RoutingRecord[] = [];
  for (const [i, message] of questions.entries()) {
    const result = await runAgentTurn(
      {
        store: world.store,
        retriever: createRetriever({ store: world.store }),
        model: { ...student, doStream: (o) => student.doStream({ ...o, maxOutputTokens: 24 }) },
        teacher: scriptedModel([{ text: "Respuesta del profesor." }]),
        contextTokens: 2048,
        now: () => new Date("2026-12-02T10:30:00Z"),
        tools: async () => ({}),
      },
      { agent: { ...world.agent, spec }, externalUserId: `${round}-${i}`, message },
    );
    const stored = await world.store.messages.list(result.conversationId);
    const routing = stored.at(-1)!.metadata.routing as unknown as RoutingRecord;
    expect(routing.answeredBy === "teacher").toBe(result.text === "Respuesta del profesor.");
    records.push(routing);
  }
  return records;
}

describe("student-first routing with a forged student", () => {
  it("escalates the turns whose token probabilities fall under the threshold, and records why", async () => {
    const none = await play(0, "t0");
    expect(none.every((r) => r.answeredBy === "student" && r.tokenConfidence! > 0)).toBe(true);
    const confidences = none.map((r) => r.tokenConfidence!).sort((a, b) => a - b);
    const median = (confidences[2]! + confidences[3]!) / 2;
    expect(confidences[0]).toBeLessThan(confidences[5]!);

    const half = await play(median, "t-median");
    const escalated = half.filter((r) => r.answeredBy === "teacher");
    expect(escalated.length).toBe(3);
    for (const r of escalated) {
      expect(r.reasons).toEqual(["token_confidence"]);
      expect(r.tokenConfidence).toBeLessThan(median);
    }
    const all = await play(1, "t1");
    expect(all.every((r) => r.answeredBy === "teacher")).toBe(true);
  }, 120_000);

  it("sends a stable share of conversations student-first and the rest to the teacher alone, recording the side on every turn", async () => {
    const spec = agentSpecSchema.parse({
      ...world.spec,
      routing: {
        escalate: { minTokenConfidence: 0, minRetrievalConfidence: 0, repeatedQuestion: false },
        canary: { share: 0.5 },
      },
    });
    let studentCalls = 0;
    const counted: LanguageModelV3 = {
      ...student,
      doStream: (o) => {
        studentCalls++;
        return student.doStream({ ...o, maxOutputTokens: 16 });
      },
    };
    const arms = new Map<string, RoutingRecord["arm"][]>();
    let firstArmTurns = 0;
    for (let c = 0; c < 16; c++) {
      for (const message of questions.slice(0, 2)) {
        const result = await runAgentTurn(
          {
            store: world.store,
            retriever: createRetriever({ store: world.store }),
            model: counted,
            teacher: scriptedModel([{ text: "Respuesta del profesor." }]),
            contextTokens: 2048,
            now: () => new Date("2026-12-02T10:30:00Z"),
            tools: async () => ({}),
          },
          { agent: { ...world.agent, spec }, externalUserId: `canary-${c}`, message },
        );
        const routing = (await world.store.messages.list(result.conversationId)).at(-1)!.metadata
          .routing as unknown as RoutingRecord;
        arms.set(result.conversationId, [...(arms.get(result.conversationId) ?? []), routing.arm]);
        if (routing.arm === "teacher_only")
          expect(routing).toMatchObject({ answeredBy: "teacher", reasons: ["canary"] });
        else {
          firstArmTurns++;
          expect(routing).toMatchObject({ answeredBy: "student", reasons: [] });
        }
      }
    }
    expect(arms.size).toBe(16);
    for (const [conversationId, sides] of arms) {
      expect(sides).toHaveLength(2);
      expect(new Set(sides).size).toBe(1);
      expect(sides[0]).toBe(inCanary(conversationId, 0.5) ? "student_first" : "teacher_only");
    }
    // Both sides are used (16 conversations at one half: all on one side has odds of 1 in 32,768).
    expect(new Set([...arms.values()].map((s) => s[0])).size).toBe(2);
    expect(studentCalls).toBe(firstArmTurns);
  }, 120_000);
});
