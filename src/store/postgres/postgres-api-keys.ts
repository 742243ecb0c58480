import { NotFoundError } from "../../spec/errors.js";
import type { ApiKey, ApiKeyScope, StoreRepositories } from "../../spec/store.js";
import { apiKeySecretPrefix, generateApiKeySecret, hashApiKeySecret } from "../api-key-secret.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, isoOrNull, nowIso, toJsonText } from "./postgres-values.js";

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** `lastUsedAt` is written at most once per this many ms per key (as on SQLite). */
const lastUsedResolutionMs = 60_000;

// Never `SELECT *`: the hash stays inside the database.
const columns = "id, tenant_id, name, prefix, scopes, created_at, revoked_at, last_used_at";

export function createPostgresApiKeys(sql: Sql): StoreRepositories["apiKeys"] {
  return {
    async create({ tenantId, name, scopes }) {
      const { secret, prefix, hash } = generateApiKeySecret();
      const [row] = await sql.query<ApiKeyRow>(
        `INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, scopes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
        [newId(), tenantId, name, prefix, hash, toJsonText(scopes, "scopes"), nowIso()],
      );
      return { key: toApiKey(row!), secret };
    },
    async verify(secret) {
      if (typeof secret !== "string" || !secret.startsWith(apiKeySecretPrefix)) return undefined;
      const [row] = await sql.query<ApiKeyRow>(
        `SELECT ${columns} FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL`,
        [hashApiKeySecret(secret)],
      );
      if (!row) return undefined;
      const now = Date.now();
      // Fresh already (the common case): no UPDATE, so verifying a key writes nothing.
      if (row.last_used_at === null || row.last_used_at.getTime() < now - lastUsedResolutionMs) {
        const usedAt = new Date(now);
        const touched = await sql.query(
          `UPDATE api_keys SET last_used_at = $1 WHERE id = $2
             AND (last_used_at IS NULL OR last_used_at < $3) RETURNING id`,
          [usedAt, row.id, new Date(now - lastUsedResolutionMs)],
        );
        if (touched.length > 0) row.last_used_at = usedAt;
      }
      return toApiKey(row);
    },
    async get(tenantId, id) {
      const [row] = await sql.query<ApiKeyRow>(
        `SELECT ${columns} FROM api_keys WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return row && toApiKey(row);
    },
    list: async (tenantId) =>
      (
        await sql.query<ApiKeyRow>(
          `SELECT ${columns} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
          [tenantId],
        )
      ).map(toApiKey),
    async revoke(tenantId, id) {
      // Revoking twice keeps the first revocation time.
      const done = await sql.query(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE tenant_id = $2 AND id = $3 RETURNING id",
        [nowIso(), tenantId, id],
      );
      if (done.length === 0) throw new NotFoundError("API key", id);
    },
  };
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: iso(row.created_at),
    revokedAt: isoOrNull(row.revoked_at),
    lastUsedAt: isoOrNull(row.last_used_at),
  };
}
