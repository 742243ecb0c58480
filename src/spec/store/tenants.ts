// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
export interface Tenant {
  id: string;
  /** URL-safe unique name, e.g. `panaderia-rosa`: 1–64 of `a-z`, `0-9`, `-` (else StoreError(check)). */
  slug: string;
  name: string;
  createdAt: string;
}

export type ApiKeyScope = "admin" | "chat";

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  /** The first characters of the secret (e.g. `alq_3fa9c1`), safe to show and log. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface TenantsRepository {
  create(input: { slug: string; name: string }): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  getBySlug(slug: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
  /** Removes the tenant and everything it owns (keys, agents, conversations, jobs). */
  remove(id: string): Promise<void>;
}

export interface ApiKeysRepository {
  /**
   * Creates a key and returns its secret once. Only a hash of the secret is
   * stored; the secret cannot be recovered later.
   */
  create(input: {
    tenantId: string;
    name: string;
    scopes: ApiKeyScope[];
  }): Promise<{ key: ApiKey; secret: string }>;
  /**
   * The key a secret belongs to, or undefined when unknown or revoked.
   * Records `lastUsedAt`, to the minute (at most one write per key per minute).
   */
  verify(secret: string): Promise<ApiKey | undefined>;
  /** The tenant's key with this id, revoked or not; undefined when the tenant has none. */
  get(tenantId: string, id: string): Promise<ApiKey | undefined>;
  list(tenantId: string): Promise<ApiKey[]>;
  /** Idempotent (keeps the first `revokedAt`); NotFoundError when the tenant has no such key. */
  revoke(tenantId: string, id: string): Promise<void>;
}
