import { z } from "zod";
import { saveAgent } from "../../agents/index.js";
import { type AgentSpecInput, agentSpecSchema } from "../../spec/agent.js";
import type { AgentRecord } from "../../spec/store.js";
import { agentEtag, checkAgentPreconditions } from "./agent-etag.js";
import { readAgentSpecBody, yamlContentTypes } from "./agent-spec-body.js";
import { checkAgentSpecPolicy } from "./agent-spec-policy.js";
import type { ApiDeps } from "./api-deps.js";
import { deletedSchema, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";
import { isOperator } from "./is-operator.js";

export const agentSpecDoc = agentSpecSchema.meta({
  id: "AgentSpec",
  description: "What a business writes to describe its agent; the same as an agent YAML file.",
});

export const agentSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    spec: agentSpecDoc,
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "Agent" });

export const agentNameParams = z.object({ name: z.string() });

/** `/api/agents`: list, read, create or replace (JSON or YAML), remove. */
export function agentsRoutes({ store, agents, models }: ApiDeps): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/agents",
      tag: "agents",
      summary: "The tenant's agents",
      access: "admin",
      response: { description: "Oldest first", schema: listOf(agentSchema) },
      errors: [],
      async handler({ auth }) {
        return { data: (await store.agents.list(auth.tenantId)).map(toAgent) };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name",
      tag: "agents",
      summary: "One agent, with its spec",
      access: "admin",
      params: agentNameParams,
      response: { description: "The agent; its version in the `ETag` header", schema: agentSchema },
      errors: [404],
      async handler({ auth, params, reply }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        reply.header("etag", agentEtag(agent));
        return toAgent(agent);
      },
    }),
    defineApiRoute({
      method: "PUT",
      path: "/api/agents/:name",
      tag: "agents",
      summary: "Create or replace an agent",
      description:
        "The body is the agent spec, as JSON or as YAML (`Content-Type: application/yaml`). Its `name` may be left out; if given it must be the URL's. Errors name the field in `param` (`tools[0].url`); YAML errors give the line and column. Only the operator's tenant may use MCP servers over stdio or `{ secret }` values. Its `model`, `fallbackModel` and `embeddingModel` must be in the catalog (`GET /v1/models`): every one that is not is listed in the error. The spec's `knowledge` paths are stored but not read: upload documents with `POST /api/agents/{name}/knowledge`. With `If-Match: <ETag of GET>` it saves only over that version (412 `spec_changed` when someone else saved since); with `If-None-Match: *` it only creates.",
      access: "admin",
      params: agentNameParams,
      rawBody: { schema: agentSpecDoc, contentTypes: ["application/json", ...yamlContentTypes] },
      response: { description: "Replaced (201 when created)", schema: agentSchema },
      errors: [400, 412, 415],
      async handler({ auth, params, body, reply, request }) {
        const spec = readAgentSpecBody(body, params.name);
        checkAgentSpecPolicy(spec, await isOperator(store, auth));
        const { agent, created } = await saveAgent(
          store,
          auth.tenantId,
          spec,
          { models },
          auth.keyId,
          (current) => checkAgentPreconditions(request.headers, current),
        );
        if (!created) await agents?.forget(agent.id);
        if (created) reply.status(201);
        reply.header("etag", agentEtag(agent));
        return toAgent(agent);
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/api/agents/:name",
      tag: "agents",
      summary: "Remove an agent, with its knowledge and conversations",
      access: "admin",
      params: agentNameParams,
      response: { description: "Removed", schema: deletedSchema },
      errors: [404],
      async handler({ auth, params }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        await store.agents.remove(auth.tenantId, agent.id);
        await agents?.forget(agent.id);
        return { id: agent.id, deleted: true as const };
      },
    }),
  ];
}

/** Every stored spec was parsed with `agentSpecSchema` on its way in (here, or from a file by the CLI). */
function toAgent(record: AgentRecord) {
  return { ...record, spec: record.spec as unknown as AgentSpecInput };
}
