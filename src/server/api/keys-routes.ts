import { z } from "zod";
import { NotFoundError } from "../../spec/errors.js";
import { RequestError } from "../request-error.js";
import type { ApiDeps } from "./api-deps.js";
import { deletedSchema, idParams, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";

const scopeSchema = z.enum(["admin", "chat"]).meta({
  description:
    "`admin`: everything of its tenant; `chat`: public (a web widget's), it only opens visitor sessions",
});

export const apiKeySchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    prefix: z
      .string()
      .meta({ description: "The secret's first characters (`alq_3fa9c1Xb`): safe to show and log" }),
    scopes: z.array(scopeSchema),
    createdAt: isoTime,
    revokedAt: isoTime.nullable(),
    lastUsedAt: isoTime.nullable().meta({ description: "To the minute" }),
  })
  .meta({ id: "ApiKey", description: "An API key, without its secret (only a hash of it is stored)." });

const newKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: z
      .array(scopeSchema)
      .min(1)
      .refine((s) => new Set(s).size === s.length, "a scope is listed twice"),
  })
  .meta({ id: "NewApiKey" });

const createdKeySchema = z
  .object({
    key: apiKeySchema,
    secret: z
      .string()
      .meta({ description: "`alq_…`: shown once, never again. Send it as `Authorization: Bearer`." }),
  })
  .meta({ id: "CreatedApiKey" });

/** `GET /api/keys`, `POST /api/keys`, `DELETE /api/keys/:id`: the caller's tenant's keys. */
export function keysRoutes({ store }: ApiDeps): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/keys",
      tag: "keys",
      summary: "The tenant's API keys, revoked ones included",
      access: "admin",
      response: { description: "Oldest first", schema: listOf(apiKeySchema) },
      errors: [],
      async handler({ auth }) {
        return { data: await store.apiKeys.list(auth.tenantId) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/keys",
      tag: "keys",
      summary: "Create an API key",
      access: "admin",
      body: { schema: newKeySchema },
      response: { status: 201, description: "The key and its secret, shown once", schema: createdKeySchema },
      errors: [400],
      async handler({ auth, body }) {
        return store.apiKeys.create({ tenantId: auth.tenantId, name: body.name, scopes: body.scopes });
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/api/keys/:id",
      tag: "keys",
      summary: "Revoke an API key",
      description:
        "Idempotent. The tenant's last active admin key cannot be revoked: create another first, so that the tenant is never locked out.",
      access: "admin",
      params: idParams,
      response: { description: "Revoked", schema: deletedSchema },
      errors: [404, 409],
      async handler({ auth, params }) {
        const keys = await store.apiKeys.list(auth.tenantId);
        const key = keys.find((k) => k.id === params.id);
        if (!key) throw new NotFoundError("API key", params.id);
        const isActiveAdmin = (k: (typeof keys)[number]) =>
          k.revokedAt === null && k.scopes.includes("admin");
        if (isActiveAdmin(key) && !keys.some((k) => k.id !== key.id && isActiveAdmin(k))) {
          throw new RequestError("this is the tenant's last active admin key", {
            code: "last_admin_key",
            status: 409,
            hint: "create another admin key (POST /api/keys) before revoking this one",
          });
        }
        await store.apiKeys.revoke(auth.tenantId, params.id);
        return { id: params.id, deleted: true as const };
      },
    }),
  ];
}
