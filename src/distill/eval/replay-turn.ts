/**
 * One test turn replayed through the agent's real turn (`runAgentTurn`): the
 * same guardrails, routes, retrieval, prompt assembly, tool loop and
 * citations a customer gets, on the row's conversation so far held in memory
 * (nothing is stored), with the agent's tools in dry-run (side effects
 * simulated, read-only tools run) and the job's fixed clock. Failures a
 * retry may cure (429, 5xx, timeouts) are retried; after the last attempt the
 * answer is recorded as failed, which scores as nothing (never as a pass).
 */
import {
  buildAgentTools,
  envSecrets,
  type LoadedAgent,
  type McpConnections,
  nothingConfirmed,
  runAgentTurn,
} from "../../agents/index.js";
import type { Retriever } from "../../spec/knowledge.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { Store } from "../../spec/store.js";
import { meteredModel } from "../pipeline/metered-model.js";
import { backoffMs, describeFailure, isRetryable, sleep } from "../pipeline/retry-policy.js";
import type { ExpectedCall } from "./plan-eval-tasks.js";
import { toJson } from "./score-answer.js";

export interface ReplayContext {
  store: Store;
  agent: LoadedAgent;
  retriever: Retriever;
  mcp: McpConnections;
  /** `any` for the operator's tenant, `public` for the others (as the runtime does). */
  network: "any" | "public";
  now: Date;
  maxAttempts: number;
  callTimeoutMs: number;
  retryDelayMs: { base: number; max: number };
  signal: AbortSignal;
}

export interface ReplayModel {
  name: string;
  model: LanguageModelV3;
  contextTokens: number;
}

export type ReplayedAnswer =
  | {
      ok: true;
      text: string;
      mode: string;
      language: string;
      calls: ExpectedCall[];
      /** Each call's result, as the judge reads it (cut to 1,500 characters). */
      outputs: string[];
      citations: { id: string; chunkId: string }[];
      usage: { inputTokens: number; outputTokens: number };
      latencyMs: number;
      /** Mean probability of the tokens the model chose; null when its engine reports none. */
      tokenConfidence: number | null;
    }
  | { ok: false; error: string; latencyMs: number };

export async function replayTurn(
  ctx: ReplayContext,
  which: ReplayModel,
  turn: { key: string; message: string; history: { role: "user" | "assistant"; content: string }[] },
): Promise<ReplayedAnswer> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await runAgentTurn(
        {
          store: ctx.store,
          retriever: ctx.retriever,
          model: meteredModel(
            which.model,
            { inputTokens: 0, outputTokens: 0 },
            {
              timeoutMs: ctx.callTimeoutMs,
              name: which.name,
            },
          ),
          contextTokens: which.contextTokens,
          measureConfidence: true,
          now: () => ctx.now,
          tools: (_conversation, cite) =>
            buildAgentTools(
              ctx.agent.spec,
              {
                tenantId: ctx.agent.tenantId,
                agentId: ctx.agent.id,
                agent: ctx.agent.spec,
                conversationId: null,
                externalUserId: `eval:${turn.key}`,
                store: ctx.store,
                retriever: ctx.retriever,
                now: () => ctx.now,
                secrets: envSecrets(),
                dryRun: true,
                network: ctx.network,
                confirmed: nothingConfirmed,
                cite,
              },
              ctx.mcp,
            ),
        },
        {
          agent: ctx.agent,
          externalUserId: `eval:${turn.key}`,
          message: turn.message,
          conversation: { history: turn.history },
          signal: ctx.signal,
        },
      );
      return {
        ok: true,
        text: result.text,
        mode: result.mode,
        language: result.language,
        calls: result.toolCalls.map((c) => ({ name: c.name, input: toJson(c.input) })),
        outputs: result.toolCalls.map((c) => JSON.stringify(c.output ?? null).slice(0, 1500)),
        citations: result.citations.map((c) => ({ id: c.id, chunkId: c.chunkId })),
        usage: result.usage,
        latencyMs: result.latencyMs,
        tokenConfidence: result.tokenConfidence ?? null,
      };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const cause = (error as { cause?: unknown }).cause ?? error;
      if (attempt >= ctx.maxAttempts || !isRetryable(cause)) {
        const detail = `${describeFailure(cause)} (attempt ${attempt} of ${ctx.maxAttempts})`;
        return { ok: false, error: detail, latencyMs: Math.round(performance.now() - started) };
      }
      await sleep(backoffMs(attempt, ctx.retryDelayMs.base, ctx.retryDelayMs.max), ctx.signal);
    }
  }
}
