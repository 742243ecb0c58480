import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { buildOpenApiDocument } from "../openapi/build-openapi-document.js";
import type { OperationDoc } from "../openapi/operation-doc.js";
import { opsOperations } from "../openapi/ops-operations.js";
import { v1Operations } from "../openapi/v1-operations.js";
import { yamlContentTypes } from "./agent-spec-body.js";
import { agentVersionsRoutes } from "./agent-versions-routes.js";
import { agentsRoutes } from "./agents-routes.js";
import type { ApiDeps } from "./api-deps.js";
import { catalogRoute } from "./catalog-route.js";
import { channelsRoutes } from "./channels-routes.js";
import { conversationEventsRoute } from "./conversation-events-route.js";
import { conversationLanguagesRoute } from "./conversation-languages-route.js";
import { conversationsRoutes } from "./conversations-routes.js";
import type { ApiRoute } from "./define-api-route.js";
import { distillRoutes } from "./distill-routes.js";
import { keysRoutes } from "./keys-routes.js";
import { knowledgeJobsRoutes } from "./knowledge-jobs-routes.js";
import { knowledgeReadRoutes } from "./knowledge-read-routes.js";
import { knowledgeRoutes } from "./knowledge-routes.js";
import { modelsRoutes } from "./models-routes.js";
import { tenantsRoutes } from "./tenants-routes.js";
import { toolTestRoute } from "./tool-test-route.js";
import { usageRoutes } from "./usage-routes.js";
import { visitorRoutes } from "./visitor-routes.js";

export interface ApiPluginOptions extends ApiDeps {
  /** `info.version` of the OpenAPI document. */
  version: string;
}

/** Every `/api` route but the OpenAPI document's own. */
export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    ...tenantsRoutes(deps),
    ...keysRoutes(deps),
    ...agentsRoutes(deps),
    ...agentVersionsRoutes(deps),
    toolTestRoute(deps),
    ...knowledgeRoutes(deps),
    ...knowledgeReadRoutes(deps),
    ...knowledgeJobsRoutes(deps),
    ...conversationsRoutes(deps),
    ...channelsRoutes(deps),
    conversationEventsRoute(deps),
    conversationLanguagesRoute(deps),
    catalogRoute(deps),
    ...modelsRoutes(deps),
    ...visitorRoutes(deps),
    ...distillRoutes(deps),
    ...usageRoutes(deps),
  ];
}

export const openApiOperation: OperationDoc = {
  method: "GET",
  path: "/api/openapi.json",
  tag: "meta",
  summary: "This API's OpenAPI 3.1 document",
  access: "public",
  response: { description: "The document, generated from the schemas the routes validate with" },
  errors: [],
};

/**
 * The REST API under `/api`, as a Fastify plugin (routes carry their full
 * paths). Encapsulated: its multipart and YAML body parsers do not reach `/v1`.
 */
export async function apiPlugin(app: FastifyInstance, options: ApiPluginOptions): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: true });
  app.addContentTypeParser([...yamlContentTypes], { parseAs: "string" }, (_request, body, done) =>
    done(null, body),
  );
  const routes = apiRoutes(options);
  for (const route of routes) route.register(app);

  const operations = [...routes, openApiOperation, ...v1Operations, ...opsOperations];
  let document: Record<string, unknown> | undefined;
  app.get(openApiOperation.path, { config: { access: "public" } }, async () => {
    document ??= buildOpenApiDocument(operations, {
      title: "Alambique API",
      version: options.version,
      description:
        "REST `/api` for tenants, keys, agents, knowledge and conversations, and the OpenAI-compatible `/v1`. Every call but this document's needs an API key.",
    });
    return document;
  });
}
