/**
 * Everything a job's steps share, resolved from its payload: the agent (as
 * stored now), its retrieval, the teacher and judge models, and their catalog
 * records (licence, prices).
 */
import type { LoadedAgent } from "../../agents/index.js";
import { tenantNetwork } from "../../agents/tools/tenant-network.js";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { agentSpecSchema } from "../../spec/agent.js";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord, Store } from "../../spec/store.js";
import type { SharedSynthContext } from "./produce-row.js";
import type { SynthJobPayload } from "./synth-job-payload.js";

/** A resolver that also describes a model (catalog, config, or a .gguf path): `ModelRegistry`. */
export interface SynthModelSource extends ModelResolver {
  /** Throws NotFoundError when the name is neither a model nor a .gguf path. */
  find(nameOrPath: string): Promise<ModelRecord>;
}

/** The code of the error a job gets when its agent was removed: it can never succeed. */
export const SYNTH_AGENT_GONE = "synth_agent_gone";

export interface LoadedSynthContext {
  shared: SharedSynthContext;
  teacherRecord: ModelRecord;
  judgeRecord: ModelRecord | null;
}

/**
 * Throws AlambiqueError `synth_agent_gone` when the agent was removed,
 * NotFoundError when a model is not in the catalog (any more); model loading
 * errors pass through.
 */
export async function loadSynthContext(
  store: Store,
  models: SynthModelSource,
  tenantId: string,
  payload: SynthJobPayload,
): Promise<LoadedSynthContext> {
  const agent = await loadAgent(store, tenantId, payload.agent.id, payload.agent.name).catch(
    (error: unknown) => {
      if (!NotFoundError.isInstance(error)) throw error;
      throw new AlambiqueError(`the job's agent ${payload.agent.name} no longer exists`, {
        code: SYNTH_AGENT_GONE,
        status: 410,
        retryable: false,
        hint: "this job cannot go on: cancel it, and start a new one for another agent",
        cause: error,
      });
    },
  );
  const embed = agent.spec.embeddingModel
    ? await models.embeddingModel(agent.spec.embeddingModel)
    : undefined;
  const teacherRecord = await models.find(payload.teacher);
  const judgeRecord = payload.judge === null ? null : await models.find(payload.judge);
  const teacher = await models.languageModel(payload.teacher);
  const judge = payload.judge === null ? undefined : await models.languageModel(payload.judge);
  const shared: SharedSynthContext = {
    store,
    tenantId,
    agent,
    teacher,
    teacherName: payload.teacher,
    retriever: createRetriever({ store, ...(embed ? { embed } : {}) }),
    seed: payload.seed,
    languages: payload.languages,
    network: await tenantNetwork(store, tenantId),
  };
  if (judge) shared.judge = judge;
  return { shared, teacherRecord, judgeRecord };
}

export async function loadAgent(store: Store, tenantId: string, id: string, name = id): Promise<LoadedAgent> {
  const record = (await store.agents.get(tenantId, id)) ?? (await store.agents.getByName(tenantId, id));
  if (!record) {
    throw new NotFoundError(
      "agent",
      name,
      "`alambique agents list` shows the agents; create one with `alambique agents create --file agent.yaml`",
    );
  }
  return { ...record, spec: agentSpecSchema.parse(record.spec) };
}
