/**
 * One evaluation task: the turn replayed with the candidate and with the
 * reference (at once), each answer judged on the rubric and scored
 * (tool calls against the row's, citations, hand-off, refusal), then the two
 * compared pairwise in both orders. Judge failures are verdicts of `unknown`,
 * never exceptions; only an abort (or a store that fails) throws.
 */
import { retrieve } from "../../agents/index.js";
import type { SynthRow, TrainingMessage } from "../../spec/distill.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { TokenCounts } from "../../spec/store.js";
import { judgeRow } from "../judge/judge-row.js";
import type { JudgeThresholds } from "../judge/judge-thresholds.js";
import { meteredModel } from "../pipeline/metered-model.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import type { AnswerScore, EvalTaskResult } from "./eval-task-result.js";
import { judgePair } from "./judge-pair.js";
import type { EvalTask } from "./plan-eval-tasks.js";
import { type ReplayContext, type ReplayedAnswer, type ReplayModel, replayTurn } from "./replay-turn.js";
import { checkAnswerCitations, scoreToolCalls } from "./score-answer.js";

export interface EvalTaskContext extends ReplayContext {
  candidate: ReplayModel;
  reference: ReplayModel;
  judge: { name: string; model: LanguageModelV3 };
  seed: number;
  thresholds: JudgeThresholds;
  languages: string[];
}

export async function runEvalTask(ctx: EvalTaskContext, task: EvalTask): Promise<EvalTaskResult> {
  const [candidate, reference] = await Promise.all([
    replayTurn(ctx, ctx.candidate, task),
    replayTurn(ctx, ctx.reference, task),
  ]);
  const judgeUsage: TokenCounts = { inputTokens: 0, outputTokens: 0 };
  const judge = meteredModel(ctx.judge.model, judgeUsage, {
    timeoutMs: ctx.callTimeoutMs,
    name: ctx.judge.name,
  });
  const { hits } = await retrieve(ctx.retriever, ctx.agent, task.message);
  const shown = new Set([
    ...hits.map((h) => h.chunk.id),
    ...citedChunks(candidate),
    ...citedChunks(reference),
  ]);
  const chunks = await ctx.store.knowledge.getChunks(ctx.agent.tenantId, [...shown]);
  const existing = new Set(chunks.map((c) => c.id));

  const score = async (answer: ReplayedAnswer, side: "candidate" | "reference"): Promise<AnswerScore> => {
    if (!answer.ok) return failed(answer.error, answer.latencyMs);
    const tools = scoreToolCalls(answer.calls, task.expectedCalls);
    const rubric = await judgeRubric(ctx, judge, task, answer, side, [...shown]);
    return {
      ok: true,
      error: null,
      text: answer.text,
      mode: answer.mode,
      calls: answer.calls,
      tools,
      citations: checkAnswerCitations(answer.text, answer.citations, existing),
      handedOff: answer.mode === "handoff" || answer.calls.some((c) => c.name === "handoff_to_human"),
      refused: answer.mode === "refusal",
      ...rubric,
      usage: answer.usage,
      latencyMs: answer.latencyMs,
      tokenConfidence: answer.tokenConfidence,
    };
  };
  const [c, r] = await Promise.all([score(candidate, "candidate"), score(reference, "reference")]);
  const pair =
    candidate.ok && reference.ok
      ? await judgePair({
          judge,
          task,
          chunks,
          candidate: candidate.text,
          reference: reference.text,
          seed: ctx.seed,
          attempts: ctx.maxAttempts,
          signal: ctx.signal,
        })
      : { outcome: candidate.ok ? ("unknown" as const) : ("loss" as const), verdicts: [] };
  return {
    rowKey: task.rowKey,
    turn: task.turn,
    repeat: task.repeat,
    candidate: c,
    reference: r,
    pair,
    agreement: {
      toolCalls: c.ok && r.ok && scoreToolCalls(c.calls as never, r.calls as never).correct,
      handoff: c.handedOff === r.handedOff,
      refusal: c.refused === r.refused,
    },
    judgeUsage,
  };
}

/** The rubric through synthetic data's own judge (`judgeRow`): the same prompt, schema, retries and minimums. */
async function judgeRubric(
  ctx: EvalTaskContext,
  judge: LanguageModelV3,
  task: EvalTask,
  answer: Extract<ReplayedAnswer, { ok: true }>,
  side: string,
  chunkIds: string[],
): Promise<Pick<AnswerScore, "rubric" | "rubricDetail">> {
  const synth: SynthContext = {
    store: ctx.store,
    tenantId: ctx.agent.tenantId,
    agent: ctx.agent,
    teacher: ctx.reference.model,
    teacherName: ctx.reference.name,
    judge,
    retriever: ctx.retriever,
    seed: ctx.seed,
    languages: ctx.languages,
    signal: ctx.signal,
    addUsage: () => {},
  };
  const judged = await judgeRow(synth, answerRow(task, answer, side, chunkIds), {
    thresholds: ctx.thresholds,
    attempts: ctx.maxAttempts,
  });
  if (!judged.judgement) return { rubric: null, rubricDetail: judged.dropDetail ?? "no verdict" };
  const { rationale, ...rubric } = judged.judgement;
  return { rubric, rubricDetail: rationale };
}

/** The replayed turn as a row, as the judge reads rows: the conversation so far, the calls and their results, the answer. */
function answerRow(
  task: EvalTask,
  answer: Extract<ReplayedAnswer, { ok: true }>,
  side: string,
  chunkIds: string[],
): SynthRow {
  const calls: TrainingMessage[] =
    answer.calls.length === 0
      ? []
      : [
          {
            role: "assistant",
            content: null,
            tool_calls: answer.calls.map((call, i) => ({
              id: `call-${i}`,
              type: "function" as const,
              function: { name: call.name, arguments: JSON.stringify(call.input) },
            })),
          },
          ...answer.calls.map((_, i) => ({
            role: "tool" as const,
            tool_call_id: `call-${i}`,
            content: answer.outputs[i] ?? "",
          })),
        ];
  return {
    key: `${task.key}:${side}`,
    messages: [
      ...task.history,
      { role: "user", content: task.message },
      ...calls,
      { role: "assistant", content: answer.text },
    ],
    intent: task.intent,
    provenance: {
      kind: "qa",
      chunkIds,
      language: task.language,
      evolved: 0,
      teacher: side,
      seed: 0,
    },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: answer.usage,
  };
}

function citedChunks(answer: ReplayedAnswer): string[] {
  return answer.ok ? answer.citations.map((c) => c.chunkId) : [];
}

function failed(error: string, latencyMs: number): AnswerScore {
  return {
    ok: false,
    error,
    text: "",
    mode: null,
    calls: [],
    tools: { decision: false, rightTool: null, argumentsEqual: null, correct: false },
    citations: { valid: null, invalidIds: 0 },
    handedOff: false,
    refused: false,
    rubric: null,
    rubricDetail: error,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs,
  };
}
