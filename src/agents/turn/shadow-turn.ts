import type { ToolSet } from "ai";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { Routing, ShadowRecord } from "../../spec/routing.js";
import type { Store } from "../../spec/store.js";
import { type GeneratedAnswer, generateAnswer } from "./generate-answer.js";
import { inCanary } from "./generate-student-first.js";
import type { ModelCall } from "./prepare-model-call.js";
import { calledTools, shadowAgreement } from "./shadow-agreement.js";
import type { ShadowQueue } from "./shadow-queue.js";

/**
 * The teacher answers a turn the student already answered, silently: the
 * same prepared call, nothing streamed, and the tools with side effects
 * offered without their `execute` (the teacher's decision to call one is
 * recorded; nothing acts twice). Its answer and how far it agrees with the
 * student's are stored with the student's answer (`metadata.shadow`). A
 * teacher that fails is recorded as `failed`; an abort (the server closing)
 * records nothing. Never throws but for the store.
 */
export async function shadowTurn(input: {
  store: Store;
  teacher: LanguageModelV3;
  call: ModelCall;
  maxSteps: number;
  student: GeneratedAnswer;
  minAgreement: number;
  conversationId: string;
  messageId: string;
  signal: AbortSignal;
}): Promise<ShadowRecord | undefined> {
  const started = performance.now();
  const call = { ...input.call, tools: withoutSideEffects(input.call.tools) };
  let record: ShadowRecord;
  try {
    const teacher = await generateAnswer({
      model: input.teacher,
      call,
      maxSteps: input.maxSteps,
      signal: input.signal,
    });
    record = {
      status: "compared",
      ...shadowAgreement(input.student, teacher, input.minAgreement),
      teacher: { text: teacher.text, toolCalls: calledTools(teacher) },
      latencyMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (input.signal.aborted) return undefined;
    record = {
      status: "failed",
      agreement: null,
      sameToolCalls: null,
      disagrees: false,
      teacher: { text: "", toolCalls: [] },
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  }
  await input.store.messages.annotate(input.conversationId, input.messageId, {
    shadow: record as unknown as Record<string, never>,
  });
  return record;
}

/** The tools, those with side effects offered without `execute`: the model may call them, nothing runs. */
function withoutSideEffects(tools: ToolSet): ToolSet {
  const safe: ToolSet = {};
  for (const [name, tool] of Object.entries(tools)) {
    const acts = (tool as { metadata?: { sideEffects?: boolean } }).metadata?.sideEffects === true;
    safe[name] = acts ? { ...tool, execute: undefined } : tool;
  }
  return safe;
}

/**
 * Whether the turn the student just answered is shadowed: sampled (a stable
 * hash of `sampleKey` under `sample`) and let into `queue`. The job waits for
 * `recorded` (the stored answer's id: the teacher starts only once the
 * student's answer is recorded and shown) and then runs `shadowTurn`.
 * Undefined when not sampled; `busy` when sampled but the queue was full.
 */
export function queueShadow(
  input: Omit<Parameters<typeof shadowTurn>[0], "messageId" | "signal" | "minAgreement"> & {
    queue: ShadowQueue;
    shadow: NonNullable<Routing["shadow"]>;
    sampleKey: string;
    recorded: Promise<string | null>;
  },
): "queued" | "busy" | undefined {
  if (!inCanary(input.sampleKey, input.shadow.sample)) return undefined;
  const { queue, shadow, recorded, sampleKey: _, ...rest } = input;
  const queued = queue.submit(async (signal) => {
    const messageId = await recorded;
    if (messageId) await shadowTurn({ ...rest, messageId, signal, minAgreement: shadow.minAgreement });
  });
  return queued ? "queued" : "busy";
}
