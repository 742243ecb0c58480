import type { Store, Tenant } from "../spec/store.js";

export const DEFAULT_TENANT_SLUG = "default";

/**
 * The tenant the command line works in: a self-hosted install serving one
 * business needs no tenant flags. Its admin keys are the server's operator
 * keys (they may create other tenants over HTTP). Created on first use;
 * concurrent first uses (two commands at once) both end with the same tenant.
 */
export async function defaultTenant(store: Store): Promise<Tenant> {
  const existing = await store.tenants.getBySlug(DEFAULT_TENANT_SLUG);
  if (existing) return existing;
  try {
    return await store.tenants.create({ slug: DEFAULT_TENANT_SLUG, name: "Default" });
  } catch (error) {
    const raced = await store.tenants.getBySlug(DEFAULT_TENANT_SLUG);
    if (raced) return raced;
    throw error;
  }
}
