import { STATUS_CODES } from "node:http";
import { openAIErrorSchema } from "./error-schema.js";
import type { OperationDoc } from "./operation-doc.js";
import { SchemaComponents } from "./schema-components.js";

type JsonObject = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/**
 * An OpenAPI 3.1 document for `operations`, every schema in it generated from
 * the zod schemas the routes validate with. Operations that are not `public`
 * require a key (`Authorization: Bearer` or `x-api-key`) and may answer 401
 * and 403; each lists its other error statuses with the OpenAI-shaped error
 * body. `x-alambique-access` says which keys may call it.
 */
export function buildOpenApiDocument(operations: readonly OperationDoc[], info: OpenApiInfo): JsonObject {
  const components = new SchemaComponents();
  const errorRef = components.add(openAIErrorSchema, "output");
  const paths: Record<string, Record<string, JsonObject>> = {};
  const tags = new Set<string>();

  for (const op of operations) {
    tags.add(op.tag);
    const path = op.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const responses: Record<string, JsonObject> = {
      [String(op.response.status ?? 200)]: {
        description: op.response.description,
        ...(op.response.schema
          ? {
              content: {
                [op.response.contentType ?? "application/json"]: {
                  schema: components.add(op.response.schema, "output"),
                },
              },
            }
          : {}),
      },
    };
    // Every keyed route may also answer 429: the key's rate limit (with Retry-After).
    const errors = new Set([...(op.access === "public" ? [] : [401, 403, 429]), ...op.errors]);
    for (const status of [...errors].sort((a, b) => a - b)) {
      responses[String(status)] = {
        description: STATUS_CODES[status] ?? "Error",
        content: { "application/json": { schema: errorRef } },
      };
    }
    const operation: JsonObject = {
      operationId: operationId(op),
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.access === "public" ? { security: [] } : {}),
      "x-alambique-access": op.access,
      ...parameters(op, components),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (op.body.contentTypes ?? ["application/json"]).map((type) => [
                  type,
                  { schema: components.add(op.body!.schema, "input") },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
    paths[path] ??= {};
    paths[path][op.method.toLowerCase()] = operation;
  }

  return {
    openapi: "3.1.0",
    info,
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    tags: [...tags].map((name) => ({ name })),
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths,
    components: {
      schemas: components.finish(),
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key, `alq_…`" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "x-api-key" },
      },
    },
  };
}

/** `GET /api/agents/:name/knowledge` → `getApiAgentsByNameKnowledge`. */
export function operationId(op: Pick<OperationDoc, "method" | "path">): string {
  const words = op.path
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => (segment.startsWith(":") ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[-_.]/))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return op.method.toLowerCase() + words.join("");
}

function parameters(op: OperationDoc, components: SchemaComponents): JsonObject {
  const list: JsonObject[] = [];
  for (const [where, schema] of [
    ["path", op.params],
    ["query", op.query],
  ] as const) {
    if (!schema) continue;
    const json = components.add(schema, "input") as { properties?: JsonObject; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property as JsonObject;
      list.push({
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        ...(typeof description === "string" ? { description } : {}),
        schema: rest,
      });
    }
  }
  return list.length > 0 ? { parameters: list } : {};
}
