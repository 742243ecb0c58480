import type { ApiKey, Store, Tenant } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";

export interface BootstrappedAdminKey {
  tenant: Tenant;
  /** An active admin key of the default tenant: the one found, or the one just made. */
  key: ApiKey;
  /** The new key's secret, to show once; undefined when an admin key already existed. */
  secret: string | undefined;
}

/**
 * Makes sure the default tenant (created if absent) has an active admin key,
 * so that a fresh install can be reached over HTTP at all. Creates one only
 * when none is active; the caller prints its secret once, since only its
 * hash is stored. Two servers starting at once on a fresh store may each make
 * one: both keys work, and either can revoke the other.
 */
export async function ensureAdminKey(store: Store): Promise<BootstrappedAdminKey> {
  const tenant = await defaultTenant(store);
  const keys = await store.apiKeys.list(tenant.id);
  const active = keys.find((key) => key.revokedAt === null && key.scopes.includes("admin"));
  if (active) return { tenant, key: active, secret: undefined };
  const { key, secret } = await store.apiKeys.create({
    tenantId: tenant.id,
    name: "admin",
    scopes: ["admin"],
  });
  return { tenant, key, secret };
}
