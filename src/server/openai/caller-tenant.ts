import type { FastifyRequest } from "fastify";
import type { Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";

/** The tenant of a request without `request.auth` when the server has no store to find the default one in. */
export const NO_STORE_TENANT = "default";

/**
 * The tenant a request acts for: its API key's (`request.auth`), or, on a
 * server with auth disabled, the default tenant (looked up once, created if
 * absent). Budgets are counted per this id.
 */
export function callerTenant(store: Store | undefined): (request: FastifyRequest) => Promise<string> {
  let fallback: Promise<string> | undefined;
  return async (request) => {
    if (request.auth) return request.auth.tenantId;
    if (store === undefined) return NO_STORE_TENANT;
    fallback ??= defaultTenant(store).then(
      (tenant) => tenant.id,
      (error: unknown) => {
        fallback = undefined;
        throw error;
      },
    );
    return fallback;
  };
}
