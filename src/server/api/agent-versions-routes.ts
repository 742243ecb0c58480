import { z } from "zod";
import type { AgentSpecInput } from "../../spec/agent.js";
import { NotFoundError } from "../../spec/errors.js";
import type { AgentVersionSummary, Store } from "../../spec/store.js";
import { agentSpecDoc } from "./agents-routes.js";
import type { ApiDeps } from "./api-deps.js";
import { isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";

export const agentVersionSummarySchema = z
  .object({
    version: z.number().int().min(1),
    savedAt: isoTime,
    savedBy: z
      .object({ keyId: z.string(), keyName: z.string().nullable() })
      .nullable()
      .meta({ description: "The API key that saved it (its name while it exists); null when unknown" }),
  })
  .meta({ id: "AgentVersionSummary" });

export const agentVersionSchema = agentVersionSummarySchema
  .extend({ spec: agentSpecDoc })
  .meta({ id: "AgentVersion" });

const versionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: "How many, 1–1000" }),
});
const versionParams = z.object({
  name: z.string(),
  n: z.coerce.number().int().min(1).max(2_147_483_647).meta({ description: "The version number" }),
});

/**
 * `/api/agents/:name/versions`: every saved spec of an agent (the store keeps
 * one per save). Reverting is a `PUT /api/agents/:name` of an old spec with
 * `If-Match`, which becomes the newest version; no route of its own.
 */
export function agentVersionsRoutes({ store }: ApiDeps): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name/versions",
      tag: "agents",
      summary: "An agent's saved versions, without their specs",
      access: "admin",
      params: z.object({ name: z.string() }),
      query: versionsQuery,
      response: { description: "Newest first", schema: listOf(agentVersionSummarySchema) },
      errors: [400, 404],
      async handler({ auth, params, query }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const versions = await store.agents.listVersions(auth.tenantId, agent.id, query.limit);
        const names = await keyNames(store, auth.tenantId, versions);
        return { data: versions.map((v) => toSummary(v, names)) };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name/versions/:n",
      tag: "agents",
      summary: "One saved version of an agent, with its spec",
      access: "admin",
      params: versionParams,
      response: { description: "The version", schema: agentVersionSchema },
      errors: [400, 404],
      async handler({ auth, params }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const version = await store.agents.getVersion(auth.tenantId, agent.id, params.n);
        if (!version) {
          throw new NotFoundError(
            "agent version",
            `${params.name}@${params.n}`,
            `GET /api/agents/${params.name}/versions lists the versions kept`,
          );
        }
        const names = await keyNames(store, auth.tenantId, [version]);
        return { ...toSummary(version, names), spec: version.spec as unknown as AgentSpecInput };
      },
    }),
  ];
}

/** The names of the tenant's keys that saved these versions (a revoked key keeps its name). */
async function keyNames(
  store: Store,
  tenantId: string,
  versions: readonly AgentVersionSummary[],
): Promise<Map<string, string>> {
  if (!versions.some((v) => v.savedBy !== null)) return new Map();
  return new Map((await store.apiKeys.list(tenantId)).map((key) => [key.id, key.name]));
}

function toSummary(version: AgentVersionSummary, names: Map<string, string>) {
  return {
    version: version.version,
    savedAt: version.savedAt,
    savedBy:
      version.savedBy === null
        ? null
        : { keyId: version.savedBy, keyName: names.get(version.savedBy) ?? null },
  };
}
