import type { FastifyInstance } from "fastify";
import type { AgentRecord, ModelRecord } from "../../spec/store.js";
import { RequestError } from "../request-error.js";
import { AGENT_MODEL_PREFIX } from "./agent-model.js";
import { callerTenant } from "./caller-tenant.js";
import type { OpenAIRoutesOptions } from "./openai-routes.js";

export interface OpenAIModel {
  id: string;
  object: "model";
  /** Unix seconds: when the model entered the catalog, or the agent was created. */
  created: number;
  owned_by: string;
}

/**
 * `GET /v1/models` and `GET /v1/models/:model`: the catalog's models, then the
 * caller's tenant's agents as `agent:<name>` (on a server that serves agents).
 * A record's source (a local path, a remote URL) is deliberately not shown:
 * it is the operator's business, not the client's.
 */
export function registerModelsRoute(app: FastifyInstance, options: OpenAIRoutesOptions): void {
  const tenantOf = callerTenant(options.store);
  const agentsOf = async (tenantId: string): Promise<AgentRecord[]> =>
    options.agents && options.store ? options.store.agents.list(tenantId) : [];

  app.get("/models", async (request) => {
    const records = await options.models.list();
    const agents = await agentsOf(await tenantOf(request));
    return { object: "list", data: [...records.map(toOpenAIModel), ...agents.map(agentModel)] };
  });
  app.get<{ Params: { model: string } }>("/models/:model", async (request) => {
    const name = request.params.model;
    if (name.startsWith(AGENT_MODEL_PREFIX) && options.agents && options.store) {
      const agent = await options.store.agents.getByName(
        await tenantOf(request),
        name.slice(AGENT_MODEL_PREFIX.length),
      );
      if (agent) return agentModel(agent);
    } else {
      const record = (await options.models.list()).find((r) => r.name === name);
      if (record) return toOpenAIModel(record);
    }
    throw new RequestError(`The model \`${name}\` does not exist`, {
      code: "model_not_found",
      status: 404,
      param: "model",
    });
  });
}

function toOpenAIModel(record: ModelRecord): OpenAIModel {
  return { id: record.name, object: "model", created: unixSeconds(record.createdAt), owned_by: "alambique" };
}

function agentModel(agent: AgentRecord): OpenAIModel {
  return {
    id: `${AGENT_MODEL_PREFIX}${agent.name}`,
    object: "model",
    created: unixSeconds(agent.createdAt),
    owned_by: "alambique-agent",
  };
}

function unixSeconds(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
