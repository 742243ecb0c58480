/**
 * Queued uploads' files. The tenant's bound is checked and written under a
 * transaction advisory lock on the tenant (key space 1651075, apart from the
 * budget holds' 1651074), so two puts from two replicas cannot both pass it.
 */
import type { StoreRepositories, UploadBlobInfo } from "../../spec/store.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso } from "./postgres-values.js";

interface BlobRow {
  tenant_id: string;
  upload_id: string;
  job_id: string | null;
  name: string;
  bytes: string;
  created_at: Date;
}

const columns = "tenant_id, upload_id, job_id, name, bytes, created_at";

export function createPostgresUploadBlobs(sql: Sql): StoreRepositories["uploads"] {
  return {
    put: (input) =>
      sql.atomic(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(1651075, hashtext($1))", [input.tenantId]);
        const rows = await tx.query<BlobRow>(
          `INSERT INTO upload_blobs (tenant_id, upload_id, job_id, name, bytes, data, created_at)
           SELECT $1, $2, NULL, $3, octet_length($4::bytea), $4, $5
           WHERE (SELECT coalesce(sum(bytes), 0) FROM upload_blobs WHERE tenant_id = $1)
                 + octet_length($4::bytea) <= $6
           RETURNING ${columns}`,
          [
            input.tenantId,
            input.uploadId,
            input.name,
            Buffer.from(input.data),
            nowIso(),
            input.maxTenantBytes,
          ],
        );
        return rows[0] ? toInfo(rows[0]) : undefined;
      }),
    async attach(tenantId, uploadId, jobId) {
      const rows = await sql.query(
        "UPDATE upload_blobs SET job_id = $3 WHERE tenant_id = $1 AND upload_id = $2 RETURNING 1",
        [tenantId, uploadId, jobId],
      );
      return rows.length;
    },
    async list(tenantId, jobId) {
      const rows = await sql.query<BlobRow>(
        `SELECT ${columns} FROM upload_blobs WHERE tenant_id = $1 AND job_id = $2 ORDER BY seq`,
        [tenantId, jobId],
      );
      return rows.map(toInfo);
    },
    async read(tenantId, jobId, name) {
      const rows = await sql.query<{ data: Buffer }>(
        "SELECT data FROM upload_blobs WHERE tenant_id = $1 AND job_id = $2 AND name = $3",
        [tenantId, jobId, name],
      );
      return rows[0] ? new Uint8Array(rows[0].data) : undefined;
    },
    async removeUpload(tenantId, uploadId) {
      const rows = await sql.query(
        "DELETE FROM upload_blobs WHERE tenant_id = $1 AND upload_id = $2 RETURNING 1",
        [tenantId, uploadId],
      );
      return rows.length;
    },
    async tenantBytes(tenantId) {
      const rows = await sql.query<{ bytes: string }>(
        "SELECT coalesce(sum(bytes), 0)::text AS bytes FROM upload_blobs WHERE tenant_id = $1",
        [tenantId],
      );
      return Number(rows[0]?.bytes ?? 0);
    },
    async sweep(tenantId, unattachedBefore) {
      const rows = await sql.query(
        `DELETE FROM upload_blobs WHERE tenant_id = $1 AND (
           (job_id IS NULL AND created_at < $2)
           OR EXISTS (SELECT 1 FROM jobs WHERE jobs.id = upload_blobs.job_id
                  AND jobs.status IN ('succeeded', 'failed', 'cancelled')))
         RETURNING 1`,
        [tenantId, unattachedBefore],
      );
      return rows.length;
    },
  };
}

function toInfo(row: BlobRow): UploadBlobInfo {
  return {
    tenantId: row.tenant_id,
    uploadId: row.upload_id,
    jobId: row.job_id,
    name: row.name,
    bytes: Number(row.bytes),
    createdAt: iso(row.created_at),
  };
}
