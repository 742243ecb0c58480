import type { AgentRuntime, LoadedAgent } from "../../agents/index.js";
import { NotFoundError } from "../../spec/errors.js";
import { RequestError } from "../request-error.js";

/** `model: "agent:<name>"` asks for an agent's turn instead of a bare model. */
export const AGENT_MODEL_PREFIX = "agent:";

export function isAgentModel(model: string): boolean {
  return model.startsWith(AGENT_MODEL_PREFIX);
}

/** The tenant's agent an `agent:<name>` model names. Throws 404 `model_not_found` (see `agentNotFound`). */
export async function findAgentModel(
  agents: AgentRuntime,
  tenantId: string,
  model: string,
): Promise<LoadedAgent> {
  const name = model.slice(AGENT_MODEL_PREFIX.length);
  try {
    return await agents.agent(tenantId, name);
  } catch (error) {
    if (NotFoundError.isInstance(error)) throw agentNotFound(model, undefined, error);
    throw error;
  }
}

/** 403 `model_not_allowed`: a visitor token names one agent, and may use nothing else. */
export function visitorModelRefused(model: string): RequestError {
  return new RequestError(`This visitor session may not use \`${model}\`: it talks to its own agent only`, {
    code: "model_not_allowed",
    status: 403,
    param: "model",
    hint: "send the `agent:<name>` the session was opened for; catalog models need an admin key",
  });
}

/** 404 `model_not_found`, as OpenAI answers an unknown model (another tenant's agents included). */
export function agentNotFound(model: string, why?: string, cause?: unknown): RequestError {
  return new RequestError(`The model \`${model}\` does not exist${why ? `: ${why}` : ""}`, {
    code: "model_not_found",
    status: 404,
    param: "model",
    hint: "GET /v1/models lists the models and agents (`agent:<name>`) you can use",
    cause,
  });
}
