import { NotFoundError } from "../spec/errors.js";
import type { Store, Tenant } from "../spec/store.js";
import { DEFAULT_TENANT_SLUG, defaultTenant } from "../store/default-tenant.js";
import type { CliContext } from "./cli-context.js";

/** The `--tenant` option of commands that act on one tenant: the operator's (`default`) unless named. */
export const tenantOption = [
  "--tenant <slug>",
  "the tenant (default: the operator's, `default`)",
  DEFAULT_TENANT_SLUG,
] as const;

/** The store and the tenant of this slug; NotFoundError when there is none. */
export async function tenantOf(context: CliContext, slug: string): Promise<{ store: Store; tenant: Tenant }> {
  const store = await context.store();
  const tenant =
    slug === DEFAULT_TENANT_SLUG ? await defaultTenant(store) : await store.tenants.getBySlug(slug);
  if (!tenant) throw new NotFoundError("tenant", slug, "tenants are created with POST /api/tenants");
  return { store, tenant };
}
