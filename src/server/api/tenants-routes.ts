import { z } from "zod";
import { StoreError } from "../../spec/errors.js";
import { RequestError } from "../request-error.js";
import type { ApiDeps } from "./api-deps.js";
import { isoTime } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { apiKeySchema } from "./keys-routes.js";

export const tenantSchema = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), createdAt: isoTime })
  .meta({ id: "Tenant" });

const tenantWithUsageSchema = tenantSchema
  .extend({
    usage: z.object({
      day: z.string().meta({ description: "Today, UTC (YYYY-MM-DD)" }),
      tokens: z.int().meta({ description: "Prompt and completion tokens used today" }),
      dailyLimit: z.int().nullable().meta({ description: "The daily token budget; null when there is none" }),
    }),
  })
  .meta({ id: "TenantWithUsage" });

const newTenantSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, "use 1-64 lowercase letters, digits or -")
      .meta({ description: "URL-safe unique name, e.g. `panaderia-rosa`" }),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ id: "NewTenant" });

const createdTenantSchema = z
  .object({
    tenant: tenantSchema,
    key: apiKeySchema,
    secret: z.string().meta({ description: "The new tenant's first admin key: shown once, never again." }),
  })
  .meta({ id: "CreatedTenant" });

/** `GET /api/tenant` (the caller's own) and `POST /api/tenants` (the operator only). */
export function tenantsRoutes({ store, budget }: ApiDeps): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/tenant",
      tag: "tenants",
      summary: "The tenant of the calling key",
      access: "admin",
      response: { description: "The tenant, with today's token usage", schema: tenantWithUsageSchema },
      errors: [],
      async handler({ auth }) {
        const tenant = await store.tenants.get(auth.tenantId);
        // The key was verified a moment ago; its tenant can only have gone since (and its keys with it).
        if (!tenant)
          throw new RequestError("this key's tenant no longer exists", { code: "not_found", status: 404 });
        const day = new Date().toISOString().slice(0, 10);
        const tokens = budget ? await budget.used(tenant.id) : await store.usage.get(tenant.id, day);
        return { ...tenant, usage: { day, tokens, dailyLimit: budget?.limit(tenant.id) ?? null } };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/tenants",
      tag: "tenants",
      summary: "Create a tenant and its first admin key",
      description:
        "Only an admin key of the default tenant (the operator of this server) may create tenants. The new admin key's secret is in the answer, once.",
      access: "operator",
      body: { schema: newTenantSchema },
      response: {
        status: 201,
        description: "The tenant, its first admin key, and that key's secret",
        schema: createdTenantSchema,
      },
      errors: [400, 409],
      async handler({ body }) {
        try {
          return await store.transaction(async (tx) => {
            const tenant = await tx.tenants.create(body);
            const created = await tx.apiKeys.create({
              tenantId: tenant.id,
              name: "admin",
              scopes: ["admin"],
            });
            return { tenant, ...created };
          });
        } catch (error) {
          if (StoreError.isInstance(error) && error.kind === "unique") {
            throw new RequestError(`a tenant with the slug \`${body.slug}\` exists already`, {
              code: "tenant_exists",
              status: 409,
              param: "slug",
              cause: error,
            });
          }
          throw error;
        }
      },
    }),
  ];
}
