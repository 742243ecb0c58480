import type { ApiKeyScope, Conversation } from "../../spec/store.js";

/**
 * Who made a request: set by the auth hook (`installAuth`) from the request's
 * API key, before the body is read. Every query a route makes on behalf of a
 * request is scoped to `tenantId`.
 */
export interface RequestAuth {
  tenantId: string;
  /** The API key's id (never its secret): for per-key limits, logs and ownership. */
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

/**
 * What a route requires, declared as `config: { access }` when it is
 * registered. A route that declares nothing requires an admin key: new routes
 * are closed until someone opens them on purpose.
 *
 * - `public`: no key is read (`request.auth` stays null): health, the OpenAPI document.
 * - `chat`: any key of a tenant (`chat` or `admin`): `/v1`, reading one's own conversations.
 * - `admin`: an admin key: everything of its own tenant.
 * - `operator`: an admin key of the default tenant: creating tenants.
 */
export type RouteAccess = "public" | "chat" | "admin" | "operator";

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

/** Whether a key with these scopes may call a route that requires `access` (`operator` also needs the default tenant). */
export function scopesAllow(scopes: readonly ApiKeyScope[], access: RouteAccess): boolean {
  if (access === "public") return true;
  if (access === "chat") return scopes.includes("chat") || scopes.includes("admin");
  return scopes.includes("admin");
}

/**
 * The `externalUserId` under which a conversation started through this key is
 * stored: `key:<keyId>:<user>`. A `chat` key reads only the conversations
 * under its own prefix; an `admin` key reads every conversation of its tenant.
 * Whatever starts conversations on behalf of a key (agent models in `/v1`)
 * stores them under this name so that the key can read them back.
 */
export function externalUserIdFor(auth: RequestAuth, user: string | null | undefined): string {
  return `${ownerPrefix(auth)}${user ?? ""}`;
}

/** Whether `auth` may read `conversation`: same tenant, and for a chat-only key, started through it. */
export function ownsConversation(auth: RequestAuth, conversation: Conversation): boolean {
  if (conversation.tenantId !== auth.tenantId) return false;
  return isAdmin(auth) || conversation.externalUserId.startsWith(ownerPrefix(auth));
}

/** The externalUserId prefix of the conversations `auth` may read: undefined for an admin key (all of them). */
export function readablePrefix(auth: RequestAuth): string | undefined {
  return isAdmin(auth) ? undefined : ownerPrefix(auth);
}

function ownerPrefix(auth: RequestAuth): string {
  return `key:${auth.keyId}:`;
}
