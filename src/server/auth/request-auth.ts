import type { ApiKeyScope } from "../../spec/store.js";
import type { VisitorClaims } from "../visitor/visitor-token.js";

/**
 * Who made a request: set by the auth hook (`installAuth`) from the request's
 * API key, before the body is read. Every query a route makes on behalf of a
 * request is scoped to `tenantId`.
 */
export interface RequestAuth {
  tenantId: string;
  /** The API key's id (never its secret): for per-key limits, logs and ownership. For a visitor, its chat key's. */
  keyId: string;
  /** The key's scopes; none for a visitor token (what it may do is `visitor`). */
  scopes: readonly ApiKeyScope[];
  /** Set when the request came with a visitor token: the one agent and visitor it is bound to. */
  visitor: VisitorClaims | null;
}

/**
 * What a route requires, declared as `config: { access }` when it is
 * registered. A route that declares nothing requires an admin key: new routes
 * are closed until someone opens them on purpose.
 *
 * - `public`: no key is read (`request.auth` stays null): health, the OpenAPI document.
 * - `chat`: a `chat` key (public: it sits in a web page) or an admin key: opening a visitor session.
 * - `visitor`: a visitor token (one visitor of one agent; see `VisitorSessions`) or an admin key:
 *   `/v1/chat/completions` for that agent, reading that visitor's conversation.
 * - `admin`: an admin key: everything of its own tenant.
 * - `operator`: an admin key of the default tenant: creating tenants.
 */
export type RouteAccess = "public" | "chat" | "visitor" | "admin" | "operator";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The caller, once authenticated; null on `public` routes, on unknown URLs,
     * and on every route of a server created with `auth: "disabled"`.
     */
    auth: RequestAuth | null;
  }
  interface FastifyContextConfig {
    /** Default `admin`; see `RouteAccess`. */
    access?: RouteAccess;
  }
}

export function isAdmin(auth: RequestAuth): boolean {
  return auth.scopes.includes("admin");
}

/** Whether `auth` may call a route that requires `access` (`operator` also needs the default tenant). */
export function accessAllows(auth: RequestAuth, access: RouteAccess): boolean {
  if (access === "public") return true;
  if (isAdmin(auth)) return true;
  if (access === "visitor") return auth.visitor !== null;
  if (access === "chat") return auth.visitor === null && auth.scopes.includes("chat");
  return false;
}

/**
 * The `externalUserId` under which a conversation started through `/v1` is
 * stored: `key:<keyId>:visitor:<visitorId>` for a visitor token (the visitor
 * is the server's choice: a visitor cannot name another one's conversation),
 * `key:<keyId>:<user>` for an admin key (a back end naming its own customers).
 */
export function externalUserIdFor(auth: RequestAuth, user: string | null | undefined): string {
  if (auth.visitor) return visitorExternalUserId(auth.visitor);
  return `key:${auth.keyId}:${user ?? ""}`;
}

/** The `externalUserId` of a visitor's conversations. */
export function visitorExternalUserId(visitor: Pick<VisitorClaims, "keyId" | "visitorId">): string {
  return `key:${visitor.keyId}:visitor:${visitor.visitorId}`;
}
