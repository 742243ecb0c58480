import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { ApiKey, ApiKeyScope } from "../../spec/store.js";
import { apiKeySecretPrefix, generateApiKeySecret, hashApiKeySecret } from "../api-key-secret.js";
import { newId } from "../ids.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/**
 * `lastUsedAt` is written at most once per this many ms per key: verification
 * runs on every request, and a durable write each time would serialise them.
 */
const lastUsedResolutionMs = 60_000;

// Never `SELECT *`: the hash stays inside the database.
const columns = "id, tenant_id, name, prefix, scopes, created_at, revoked_at, last_used_at";

export function createSqliteApiKeys(db: Database): SyncRepositories["apiKeys"] {
  const insert = db.prepare<[string, string, string, string, string, string, string], ApiKeyRow>(
    `INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, scopes, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${columns}`,
  );
  const activeByHash = db.prepare<[string], ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL`,
  );
  const touch = db.prepare<[string, string, string]>(
    "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
  );
  const byId = db.prepare<[string, string], ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE tenant_id = ? AND id = ?`,
  );
  const byTenant = db.prepare<[string], ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id`,
  );
  // Revoking twice keeps the first revocation time.
  const revoke = db.prepare<[string, string, string]>(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE tenant_id = ? AND id = ?",
  );

  return {
    create({ tenantId, name, scopes }) {
      const { secret, prefix, hash } = generateApiKeySecret();
      const row = insert.get(newId(), tenantId, name, prefix, hash, toJsonText(scopes, "scopes"), nowIso());
      return { key: toApiKey(row!), secret };
    },
    verify(secret) {
      if (typeof secret !== "string" || !secret.startsWith(apiKeySecretPrefix)) return undefined;
      const row = activeByHash.get(hashApiKeySecret(secret));
      if (!row) return undefined;
      const now = Date.now();
      const usedAt = new Date(now).toISOString();
      const staleBefore = new Date(now - lastUsedResolutionMs).toISOString();
      // Fresh already (the common case): no UPDATE, so verifying a key takes no write lock.
      const stale = row.last_used_at === null || row.last_used_at < staleBefore;
      if (stale && touch.run(usedAt, row.id, staleBefore).changes > 0) row.last_used_at = usedAt;
      return toApiKey(row);
    },
    get(tenantId, id) {
      const row = byId.get(tenantId, id);
      return row ? toApiKey(row) : undefined;
    },
    list: (tenantId) => byTenant.all(tenantId).map(toApiKey),
    revoke(tenantId, id) {
      if (revoke.run(nowIso(), tenantId, id).changes === 0) throw new NotFoundError("API key", id);
    },
  };
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    scopes: fromJsonText<ApiKeyScope[]>(row.scopes),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
