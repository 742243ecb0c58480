import type { FastifyInstance } from "fastify";
import type { Store } from "../../spec/store.js";
import { DEFAULT_TENANT_SLUG } from "../../store/default-tenant.js";
import { requestOrigin } from "../visitor/visitor-may-use.js";
import type { VisitorSessions } from "../visitor/visitor-sessions.js";
import { isVisitorToken } from "../visitor/visitor-token.js";
import { insufficientScope, invalidApiKey, invalidVisitorToken } from "./auth-errors.js";
import { readApiKey } from "./read-api-key.js";
import { accessAllows, type RequestAuth, type RouteAccess } from "./request-auth.js";

export type AuthMode = "required" | "disabled";

/**
 * Decorates every request with `auth` (see `RequestAuth`) and, unless
 * `mode` is `disabled`, authenticates each request to a known route in
 * `onRequest` — before its body is read, so an anonymous client cannot make
 * the server parse or store anything. Unknown URLs skip it and answer 404.
 *
 * A secret is an API key (`alq_…`) or a visitor token (`alv_…`, see
 * `VisitorSessions`). A visitor token is valid only from the origin its
 * session was opened from, when it was opened from one.
 *
 * Throws (through the error handler) 401 `invalid_api_key` for a missing,
 * unknown, revoked or expired key or token and 403 `insufficient_scope` for a
 * key the route's `access` does not admit. Verification is a lookup of the secret's SHA-256
 * (see `store.apiKeys.verify`): no comparison whose time depends on how much
 * of a secret was right. The secret itself is never logged.
 *
 * Must be called on the root instance, before routes are registered.
 */
export function installAuth(
  app: FastifyInstance,
  options: { store?: Store; visitors?: VisitorSessions; mode: AuthMode },
): void {
  app.decorateRequest("auth", null);
  if (options.mode === "disabled") return;
  const { store, visitors } = options;
  if (!store) throw new Error("installAuth: a store is required unless auth is disabled");

  const authenticate = async (secret: string, origin: string | null): Promise<RequestAuth | undefined> => {
    if (isVisitorToken(secret)) {
      const visitor = await visitors?.verify(secret);
      if (!visitor || (visitor.origin !== null && visitor.origin !== origin)) return undefined;
      return { tenantId: visitor.tenantId, keyId: visitor.keyId, scopes: [], visitor };
    }
    const key = await store.apiKeys.verify(secret);
    return key && { tenantId: key.tenantId, keyId: key.id, scopes: key.scopes, visitor: null };
  };

  app.addHook("onRequest", async (request, reply) => {
    if (request.is404) return;
    const access: RouteAccess = request.routeOptions.config.access ?? "admin";
    if (access === "public") return;
    const secret = readApiKey(request.headers);
    const auth =
      secret === undefined ? undefined : await authenticate(secret, requestOrigin(request.headers));
    if (!auth) {
      // RFC 6750: a 401 names the scheme it wants.
      reply.header("www-authenticate", 'Bearer realm="alambique"');
      throw secret !== undefined && isVisitorToken(secret)
        ? invalidVisitorToken()
        : invalidApiKey(secret !== undefined);
    }
    request.auth = auth;
    if (!accessAllows(auth, access)) throw insufficientScope(access);
    if (access === "operator") {
      const tenant = await store.tenants.get(auth.tenantId);
      if (tenant?.slug !== DEFAULT_TENANT_SLUG) throw insufficientScope(access);
    }
  });
}
