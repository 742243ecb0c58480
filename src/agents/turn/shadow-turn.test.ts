import { tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { createLlamaCpp, type LlamaCppProvider } from "../../models/llamacpp/create-llamacpp-provider.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { RoutingRecord, ShadowRecord } from "../../spec/routing.js";
import { type ScriptStep, scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { runAgentTurn } from "./run-agent-turn.js";
import { ShadowQueue } from "./shadow-queue.js";

/**
 * Shadow mode through the real turn: a forged student on real llama.cpp
 * answers and is recorded; the teacher (scripted, held back by a gate) answers
 * the same prepared call afterwards, silently, and its answer and the
 * agreement land on the student's stored message.
 */
let world: TurnWorld;
let provider: LlamaCppProvider;
let student: LanguageModelV3;
const orders: unknown[] = [];

beforeAll(async () => {
  world = await createTurnWorld({ model: "student", fallbackModel: "teacher" });
  provider = createLlamaCpp({ threads: 1, contextSize: 2048, sequences: 1, gpu: false });
  student = provider.languageModel(await forgedModelPath("tiny", 1));
});
afterAll(async () => {
  await provider?.dispose();
  await world?.close();
});

/** A scripted teacher whose every answer waits for `open()`. */
function gatedTeacher(steps: ScriptStep[]) {
  const model = scriptedModel(steps);
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    model: {
      ...model,
      doStream: async (o: Parameters<LanguageModelV3["doStream"]>[0]) => {
        await gate;
        return model.doStream(o);
      },
    },
    open,
    asked: () => model.prompts.length,
  };
}

async function turn(
  shadow: object | undefined,
  teacher: LanguageModelV3,
  shadows: ShadowQueue,
  externalUserId: string,
  shown: string[] = [],
) {
  const spec = agentSpecSchema.parse({
    ...world.spec,
    routing: {
      escalate: { minTokenConfidence: 0, minRetrievalConfidence: 0, repeatedQuestion: false },
      shadow,
    },
  });
  const result = await runAgentTurn(
    {
      store: world.store,
      retriever: createRetriever({ store: world.store }),
      model: { ...student, doStream: (o) => student.doStream({ ...o, maxOutputTokens: 16 }) },
      teacher,
      shadows,
      contextTokens: 2048,
      now: () => new Date("2026-12-02T10:30:00Z"),
      tools: async () => ({
        place_order: {
          ...tool({
            description: "Places an order for a cake.",
            inputSchema: z.object({ item: z.string() }),
            execute: async (input) => {
              orders.push(input);
              return { ok: true };
            },
          }),
          metadata: { sideEffects: true },
        },
      }),
    },
    {
      agent: { ...world.agent, spec },
      externalUserId,
      message: "¿cuánto cuesta la tarta de queso?",
      onDelta: (piece) => shown.push(piece),
    },
  );
  const stored = (await world.store.messages.list(result.conversationId)).at(-1)!;
  return { result, stored };
}

describe("shadow mode", () => {
  it("answers with the teacher after the student's answer is recorded, never shown, and records the disagreement", async () => {
    const shadows = new ShadowQueue({ concurrency: 1, waiting: 4 });
    const teacher = gatedTeacher([
      { toolCalls: [{ toolName: "place_order", input: { item: "tarta de queso" } }] },
    ]);
    const shown: string[] = [];
    const { result, stored } = await turn({ sample: 1 }, teacher.model, shadows, "shadow-1", shown);
    // The turn is over (answered and recorded) while the teacher has not been let answer.
    expect(teacher.asked()).toBe(0);
    expect(stored.id).toBe(result.messageId);
    const routing = stored.metadata.routing as unknown as RoutingRecord;
    expect(routing).toMatchObject({ answeredBy: "student", arm: "student_first", shadow: "queued" });
    expect(stored.metadata.shadow).toBeUndefined();
    expect(shown.join("")).toBe(result.text);

    teacher.open();
    await shadows.idle();
    const after = (await world.store.messages.list(result.conversationId)).at(-1)!;
    const record = after.metadata.shadow as unknown as ShadowRecord;
    expect(record).toMatchObject({
      status: "compared",
      sameToolCalls: false,
      disagrees: true,
      teacher: { text: "", toolCalls: [{ name: "place_order", input: { item: "tarta de queso" } }] },
    });
    // The teacher's call with side effects was offered without running: no order was placed.
    expect(orders).toEqual([]);
    expect(after.content).toBe(stored.content);
  }, 120_000);

  it("agrees with a teacher that says the same words", async () => {
    const shadows = new ShadowQueue({ concurrency: 1, waiting: 4 });
    // The forged student is deterministic: ask once to learn its words, then script a teacher that says them.
    const first = await turn(undefined, scriptedModel([]), shadows, "shadow-learn");
    const teacher = gatedTeacher([{ text: first.result.text }]);
    teacher.open();
    const { result } = await turn({ sample: 1, minAgreement: 0.9 }, teacher.model, shadows, "shadow-same");
    await shadows.idle();
    const record = (await world.store.messages.list(result.conversationId)).at(-1)!.metadata
      .shadow as unknown as ShadowRecord;
    expect(record).toMatchObject({ status: "compared", agreement: 1, sameToolCalls: true, disagrees: false });
  }, 120_000);

  it("shadows none at sample 0, and says busy instead of piling up when the queue is full", async () => {
    const shadows = new ShadowQueue({ concurrency: 1, waiting: 0 });
    const teacher = gatedTeacher([{ text: "Uno." }, { text: "Dos." }]);
    const none = await turn({ sample: 0 }, teacher.model, shadows, "shadow-none");
    expect((none.stored.metadata.routing as unknown as RoutingRecord).shadow).toBeUndefined();
    const held = await turn({ sample: 1 }, teacher.model, shadows, "shadow-held");
    expect((held.stored.metadata.routing as unknown as RoutingRecord).shadow).toBe("queued");
    const busy = await turn({ sample: 1 }, teacher.model, shadows, "shadow-busy");
    expect((busy.stored.metadata.routing as unknown as RoutingRecord).shadow).toBe("busy");
    teacher.open();
    await shadows.idle();
    expect(teacher.asked()).toBe(1);
    const busyAfter = (await world.store.messages.list(busy.result.conversationId)).at(-1)!;
    expect(busyAfter.metadata.shadow).toBeUndefined();
  }, 120_000);

  it("records a teacher that fails, without failing anything", async () => {
    const shadows = new ShadowQueue({ concurrency: 1, waiting: 4 });
    const { result } = await turn({ sample: 1 }, scriptedModel([]), shadows, "shadow-fail");
    await shadows.idle();
    const record = (await world.store.messages.list(result.conversationId)).at(-1)!.metadata
      .shadow as unknown as ShadowRecord;
    expect(record).toMatchObject({ status: "failed", agreement: null, disagrees: false });
    expect(record.error).toContain("script");
  }, 120_000);
});
