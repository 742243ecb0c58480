import type { Store } from "../../spec/store.js";
import { DEFAULT_TENANT_SLUG } from "../../store/default-tenant.js";
import type { RequestAuth } from "../auth/request-auth.js";

/** Whether the request is the operator's (the default tenant), who may do what tenants may not (base URLs, private hosts). */
export async function isOperator(store: Store, auth: RequestAuth): Promise<boolean> {
  return (await store.tenants.get(auth.tenantId))?.slug === DEFAULT_TENANT_SLUG;
}
