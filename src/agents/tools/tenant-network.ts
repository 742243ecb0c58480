import type { Store } from "../../spec/store.js";
import { DEFAULT_TENANT_SLUG } from "../../store/default-tenant.js";
import type { NetworkPolicy } from "./public-network.js";

/**
 * Where a tenant's agent tools (webhooks, MCP over HTTP) may connect: the operator's tenant anywhere, every
 * other tenant public addresses only (`public-network.ts`). One rule for serving, evaluation, the teacher
 * playing the agent in synthetic data, and the console's test call.
 */
export async function tenantNetwork(store: Store, tenantId: string): Promise<NetworkPolicy> {
  return (await store.tenants.get(tenantId))?.slug === DEFAULT_TENANT_SLUG ? "any" : "public";
}
