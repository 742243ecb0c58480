/**
 * Everything an evaluation job's tasks share, resolved from its payload: the
 * agent as stored now, its retrieval and tools, the test split's rows (whose
 * content must still be the job's: a dataset rewritten under a running job
 * fails it), the candidate, reference and judge with their catalog records.
 */
import { DEFAULT_CONTEXT_TOKENS, McpConnections } from "../../agents/index.js";
import { fetchFor } from "../../agents/tools/public-network.js";
import { tenantNetwork } from "../../agents/tools/tenant-network.js";
import { createRetriever } from "../../knowledge/create-retriever.js";
import type { SynthRow } from "../../spec/distill.js";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { ModelRecord, Store } from "../../spec/store.js";
import { loadAgent, type SynthModelSource } from "../pipeline/load-synth-context.js";
import { cappedModel } from "./capped-model.js";
import type { EvalJobPayload } from "./eval-job-payload.js";
import type { EvalTaskContext } from "./run-eval-task.js";

export interface LoadedEvalContext {
  task: Omit<EvalTaskContext, "signal">;
  testRows: SynthRow[];
  records: { candidate: ModelRecord; reference: ModelRecord };
}

/** Throws AlambiqueError `eval_agent_gone` / `eval_dataset_changed` (the job can never succeed), NotFoundError for a model. */
export async function loadEvalContext(
  store: Store,
  models: SynthModelSource,
  tenantId: string,
  payload: EvalJobPayload,
  retryDelayMs: { base: number; max: number },
): Promise<LoadedEvalContext> {
  const agent = await loadAgent(store, tenantId, payload.agent.id, payload.agent.name).catch(
    (error: unknown) => {
      if (!NotFoundError.isInstance(error)) throw error;
      throw new AlambiqueError(`the evaluation's agent ${payload.agent.name} no longer exists`, {
        code: "eval_agent_gone",
        retryable: false,
        hint: "this job cannot go on: cancel it",
        cause: error,
      });
    },
  );
  const dataset = await store.datasets.get(tenantId, payload.dataset.id);
  if (!dataset || dataset.card.contentHash !== payload.dataset.contentHash) {
    const ref = `${payload.dataset.name}@${payload.dataset.version}`;
    throw new AlambiqueError(
      `the dataset ${ref} ${dataset ? "was rewritten" : "was removed"} since this evaluation started`,
      {
        code: "eval_dataset_changed",
        retryable: false,
        hint: "cancel this job and evaluate again (freeze a dataset with `alambique datasets freeze` so it cannot change)",
      },
    );
  }
  const testRows = (await store.datasets.rows(tenantId, dataset.id, { split: "test" })).map((r) => r.row);
  const embed = agent.spec.embeddingModel
    ? await models.embeddingModel(agent.spec.embeddingModel)
    : undefined;
  const side = async (name: string) => {
    const record = await models.find(name);
    return {
      record,
      model: {
        name,
        model: cappedModel(await models.languageModel(name), payload.maxTokens),
        contextTokens: (await models.contextTokens?.(name)) ?? record.contextLength ?? DEFAULT_CONTEXT_TOKENS,
      },
    };
  };
  const candidate = await side(payload.candidate);
  const reference = await side(payload.reference);
  const judge = {
    name: payload.judge,
    model: cappedModel(await models.languageModel(payload.judge), payload.maxTokens),
  };
  const network = await tenantNetwork(store, tenantId);
  return {
    task: {
      store,
      agent,
      retriever: createRetriever({ store, ...(embed ? { embed } : {}) }),
      // HTTP MCP servers under the same rule as webhooks: a tenant's replayed agent reaches public addresses only.
      mcp: new McpConnections(
        { name: "alambique-eval", version: "0.1.0" },
        network === "public" ? fetchFor(network) : undefined,
      ),
      network,
      now: new Date(payload.now),
      maxAttempts: payload.maxAttempts,
      callTimeoutMs: payload.callTimeoutMs,
      retryDelayMs,
      candidate: candidate.model,
      reference: reference.model,
      judge,
      seed: payload.seed,
      thresholds: payload.thresholds,
      languages: agent.spec.languages,
    },
    testRows,
    records: { candidate: candidate.record, reference: reference.record },
  };
}
