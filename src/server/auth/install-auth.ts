import type { FastifyInstance } from "fastify";
import type { Store } from "../../spec/store.js";
import { DEFAULT_TENANT_SLUG } from "../../store/default-tenant.js";
import { insufficientScope, invalidApiKey } from "./auth-errors.js";
import { readApiKey } from "./read-api-key.js";
import { type RouteAccess, scopesAllow } from "./request-auth.js";

export type AuthMode = "required" | "disabled";

/**
 * Decorates every request with `auth` (see `RequestAuth`) and, unless
 * `mode` is `disabled`, authenticates each request to a known route in
 * `onRequest` — before its body is read, so an anonymous client cannot make
 * the server parse or store anything. Unknown URLs skip it and answer 404.
 *
 * Throws (through the error handler) 401 `invalid_api_key` for a missing,
 * unknown or revoked key and 403 `insufficient_scope` for a key the route's
 * `access` does not admit. Verification is a lookup of the secret's SHA-256
 * (see `store.apiKeys.verify`): no comparison whose time depends on how much
 * of a secret was right. The secret itself is never logged.
 *
 * Must be called on the root instance, before routes are registered.
 */
export function installAuth(app: FastifyInstance, options: { store?: Store; mode: AuthMode }): void {
  app.decorateRequest("auth", null);
  if (options.mode === "disabled") return;
  const { store } = options;
  if (!store) throw new Error("installAuth: a store is required unless auth is disabled");

  app.addHook("onRequest", async (request, reply) => {
    if (request.is404) return;
    const access: RouteAccess = request.routeOptions.config.access ?? "admin";
    if (access === "public") return;
    const secret = readApiKey(request.headers);
    const key = secret === undefined ? undefined : await store.apiKeys.verify(secret);
    if (!key) {
      // RFC 6750: a 401 names the scheme it wants.
      reply.header("www-authenticate", 'Bearer realm="alambique"');
      throw invalidApiKey(secret !== undefined);
    }
    request.auth = { tenantId: key.tenantId, keyId: key.id, scopes: key.scopes };
    if (!scopesAllow(key.scopes, access)) throw insufficientScope(access);
    if (access === "operator") {
      const tenant = await store.tenants.get(key.tenantId);
      if (tenant?.slug !== DEFAULT_TENANT_SLUG) throw insufficientScope(access);
    }
  });
}
