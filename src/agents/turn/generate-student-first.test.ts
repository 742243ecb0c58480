import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { routingSchema } from "../../spec/routing.js";
import type { Message } from "../../spec/store.js";
import { type ScriptStep, scriptedModel } from "../tools/__fixtures__/scripted-model.js";
import { createCitationNumbering } from "../tools/citation-numbering.js";
import { generateStudentFirst, inCanary, repeatsLastQuestion } from "./generate-student-first.js";
import type { ModelCall } from "./prepare-model-call.js";

const orders: unknown[] = [];
const call: ModelCall = {
  system: "You are the bakery's assistant.",
  messages: [{ role: "user", content: "¿cuánto cuesta la tarta de queso?" }],
  tools: {
    place_order: {
      ...tool({
        description: "Places an order.",
        inputSchema: z.object({ item: z.string() }),
        execute: async (input) => {
          orders.push(input);
          // The shop took the order but did not answer in time: the call may have acted.
          if (input.item === "slow")
            return { isError: true, code: "timeout", error: "no answer", retryable: true };
          return { ok: true };
        },
      }),
      metadata: { sideEffects: true },
    },
  },
  numbering: createCitationNumbering(),
  confirmedCalls: [],
  confirmedMessages: [],
  summarisedTurns: 0,
};

function history(...users: string[]): Message[] {
  return users.map((content, i) => ({
    id: `m${i}`,
    conversationId: "c",
    seq: i + 1,
    role: "user",
    content,
    metadata: {},
    createdAt: "",
  }));
}

async function route(
  student: ScriptStep[],
  options: { routing?: object; retrievalConfidence?: number; history?: Message[]; message?: string } = {},
) {
  const models = {
    student: scriptedModel(student),
    teacher: scriptedModel([{ text: "El profesor responde." }]),
  };
  const shown: string[] = [];
  const result = await generateStudentFirst({
    student: models.student,
    teacher: models.teacher,
    routing: routingSchema.parse(options.routing ?? {}),
    call,
    maxSteps: 3,
    retrievalConfidence: options.retrievalConfidence ?? 0.9,
    message: options.message ?? "¿cuánto cuesta la tarta de queso?",
    history: options.history ?? [],
    conversationId: "conversation-1",
    onDelta: (piece) => shown.push(piece),
  });
  return {
    ...result,
    shown,
    asked: { student: models.student.prompts.length, teacher: models.teacher.prompts.length },
  };
}

describe("generateStudentFirst", () => {
  it("shows the student's answer when nothing says it is unsure, once, after it is complete", async () => {
    const r = await route([{ text: "Cuesta 18 euros." }]);
    expect(r.routing).toEqual({
      answeredBy: "student",
      reasons: [],
      tokenConfidence: null,
      retrievalConfidence: 0.9,
      keptAfterActing: false,
      arm: "student_first",
    });
    expect(r.shown).toEqual(["Cuesta 18 euros."]);
    expect(r.asked).toEqual({ student: 1, teacher: 0 });
  });

  it("asks the teacher without asking the student when the documents are weak or the customer repeats", async () => {
    const weak = await route([{ text: "x" }], { retrievalConfidence: 0.1 });
    expect(weak.routing).toMatchObject({ answeredBy: "teacher", reasons: ["retrieval_confidence"] });
    expect(weak.asked).toEqual({ student: 0, teacher: 1 });
    expect(weak.shown.join("")).toBe("El profesor responde.");
    const repeated = await route([{ text: "x" }], {
      history: history("¿Cuánto cuesta la tarta de queso?"),
      message: "cuanto cuesta la tarta de queso",
    });
    expect(repeated.routing.reasons).toEqual(["repeated_question"]);
    const off = await route([{ text: "x" }], {
      routing: { escalate: { repeatedQuestion: false } },
      history: history("¿Cuánto cuesta la tarta de queso?"),
    });
    expect(off.routing.answeredBy).toBe("student");
  });

  it("hands the turn over when the student calls a tool wrongly or says nothing, adding both models' usage", async () => {
    const wrong = await route([
      { toolCalls: [{ toolName: "cancel_everything", input: {} }] },
      { text: "Hecho." },
    ]);
    expect(wrong.routing).toMatchObject({ answeredBy: "teacher", reasons: ["invalid_tool_call"] });
    expect(wrong.shown.join("")).toBe("El profesor responde.");
    expect(wrong.generated.usage).toEqual({ inputTokens: 3, outputTokens: 3 });
    const empty = await route([{ text: "  " }]);
    expect(empty.routing.reasons).toEqual(["empty_answer"]);
  });

  it("keeps the turn with a student that already acted: the teacher would act twice", async () => {
    orders.length = 0;
    const r = await route([
      { toolCalls: [{ toolName: "place_order", input: { item: "tarta" } }] },
      { toolCalls: [{ toolName: "place_order", input: { quantity: "many" } }] },
      { text: "Pedido hecho." },
    ]);
    expect(orders).toEqual([{ item: "tarta" }]);
    expect(r.routing).toMatchObject({ answeredBy: "student", keptAfterActing: true });
    expect(r.asked.teacher).toBe(0);
  });

  it("keeps the turn when a call with side effects failed in a way that may have acted, not when it was refused", async () => {
    orders.length = 0;
    const timedOut = await route([
      { toolCalls: [{ toolName: "place_order", input: { item: "slow" } }] },
      { toolCalls: [{ toolName: "cancel_everything", input: {} }] },
      { text: "Hecho." },
    ]);
    expect(timedOut.routing).toMatchObject({ answeredBy: "student", keptAfterActing: true });
    const refused = await route([
      { toolCalls: [{ toolName: "place_order", input: { quantity: 1 } }] },
      { text: "Hecho." },
    ]);
    expect(refused.routing).toMatchObject({ answeredBy: "teacher", reasons: ["invalid_tool_call"] });
    expect(orders).toEqual([{ item: "slow" }]);
  });

  it("routes a stable share of conversations to the student (canary)", async () => {
    const none = await route([{ text: "x" }], { routing: { canary: 0 } });
    expect(none.routing).toMatchObject({ answeredBy: "teacher", reasons: ["canary"], arm: "teacher_only" });
    expect(none.asked).toEqual({ student: 0, teacher: 1 });
    const object = await route([{ text: "x" }], { routing: { canary: { share: 0 } } });
    expect(object.routing).toMatchObject({ reasons: ["canary"], arm: "teacher_only" });
    expect(routingSchema.parse({ canary: 0.3 }).canary).toEqual({ share: 0.3 });
    expect(routingSchema.safeParse({ canary: { share: 1.5 } }).success).toBe(false);
    expect(routingSchema.safeParse({ canary: { share: 0.5, extra: 1 } }).success).toBe(false);
    const ids = Array.from({ length: 2000 }, (_, i) => `conversation-${i}`);
    const share = ids.filter((id) => inCanary(id, 0.25)).length / ids.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    const first = ids.map((id) => inCanary(id, 0.25));
    expect(ids.map((id) => inCanary(id, 0.25))).toEqual(first);
    expect(ids.filter((id) => inCanary(id, 0.25)).every((id) => inCanary(id, 0.5))).toBe(true);
  });
});

describe("a student that cannot answer", () => {
  it("is not asked when known unavailable, and hands the turn to the teacher when it throws", async () => {
    const told: string[] = [];
    const health = (unavailable: boolean) => ({
      unavailable,
      failed: (error: unknown) => told.push(`failed: ${(error as Error).message}`),
      answered: () => told.push("answered"),
    });
    const models = () => ({
      // A script with no step throws when asked, as a student whose file does not load does.
      student: scriptedModel([]),
      teacher: scriptedModel([{ text: "El profesor responde." }]),
    });
    const run = (m: ReturnType<typeof models>, unavailable: boolean) =>
      generateStudentFirst({
        ...m,
        routing: routingSchema.parse({}),
        call,
        maxSteps: 3,
        retrievalConfidence: 0.9,
        message: "¿cuánto cuesta la tarta de queso?",
        history: [],
        conversationId: "conversation-1",
        studentHealth: health(unavailable),
      });
    const known = models();
    const missing = await run(known, true);
    expect(missing.routing).toMatchObject({ answeredBy: "teacher", reasons: ["student_unavailable"] });
    expect(known.student.prompts.length).toBe(0);
    const broken = models();
    const failed = await run(broken, false);
    expect(failed.routing).toMatchObject({ answeredBy: "teacher", reasons: ["student_unavailable"] });
    expect(failed.generated.text).toBe("El profesor responde.");
    expect(told).toEqual(["failed: the script has only 0 steps"]);
  });
});

describe("repeatsLastQuestion", () => {
  it("matches the same question in other words' case, accents and punctuation, not a new one", () => {
    const h = history("¿A qué hora abrís el domingo?");
    expect(repeatsLastQuestion("a que hora abris el domingo", h)).toBe(true);
    expect(repeatsLastQuestion("¿y el sábado?", h)).toBe(false);
    expect(repeatsLastQuestion("hola", [])).toBe(false);
  });
});
