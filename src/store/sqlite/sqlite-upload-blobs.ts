/**
 * Queued uploads' files. The tenant's bound is checked in the INSERT itself
 * (one statement under SQLite's write lock), so two puts cannot both pass it.
 */
import type { Database } from "better-sqlite3";
import type { UploadBlobInfo } from "../../spec/store.js";
import { nowIso } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface BlobRow {
  tenant_id: string;
  upload_id: string;
  job_id: string | null;
  name: string;
  bytes: number;
  created_at: string;
}

const columns = "tenant_id, upload_id, job_id, name, bytes, created_at";

export function createSqliteUploadBlobs(db: Database): SyncRepositories["uploads"] {
  const insert = db.prepare<
    { tenantId: string; uploadId: string; name: string; data: Buffer; max: number; now: string },
    BlobRow
  >(
    `INSERT INTO upload_blobs (tenant_id, upload_id, job_id, name, bytes, data, created_at)
     SELECT @tenantId, @uploadId, NULL, @name, length(@data), @data, @now
     WHERE (SELECT coalesce(sum(bytes), 0) FROM upload_blobs WHERE tenant_id = @tenantId) + length(@data) <= @max
     RETURNING ${columns}`,
  );
  const attach = db.prepare<[string, string, string]>(
    "UPDATE upload_blobs SET job_id = ? WHERE tenant_id = ? AND upload_id = ?",
  );
  const ofJob = db.prepare<[string, string], BlobRow>(
    `SELECT ${columns} FROM upload_blobs WHERE tenant_id = ? AND job_id = ? ORDER BY rowid`,
  );
  const data = db.prepare<[string, string, string], { data: Buffer }>(
    "SELECT data FROM upload_blobs WHERE tenant_id = ? AND job_id = ? AND name = ?",
  );
  const removeUpload = db.prepare<[string, string]>(
    "DELETE FROM upload_blobs WHERE tenant_id = ? AND upload_id = ?",
  );
  const total = db.prepare<[string], { bytes: number }>(
    "SELECT coalesce(sum(bytes), 0) AS bytes FROM upload_blobs WHERE tenant_id = ?",
  );
  const sweep = db.prepare<{ tenantId: string; before: string }>(
    `DELETE FROM upload_blobs WHERE tenant_id = @tenantId AND (
       (job_id IS NULL AND created_at < @before)
       OR EXISTS (SELECT 1 FROM jobs WHERE jobs.id = upload_blobs.job_id
                  AND jobs.status IN ('succeeded', 'failed', 'cancelled')))`,
  );
  return {
    put(input) {
      const row = insert.get({
        tenantId: input.tenantId,
        uploadId: input.uploadId,
        name: input.name,
        data: Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength),
        max: input.maxTenantBytes,
        now: nowIso(),
      });
      return row ? toInfo(row) : undefined;
    },
    attach: (tenantId, uploadId, jobId) => attach.run(jobId, tenantId, uploadId).changes,
    list: (tenantId, jobId) => ofJob.all(tenantId, jobId).map(toInfo),
    read(tenantId, jobId, name) {
      const row = data.get(tenantId, jobId, name);
      return row ? new Uint8Array(row.data) : undefined;
    },
    removeUpload: (tenantId, uploadId) => removeUpload.run(tenantId, uploadId).changes,
    tenantBytes: (tenantId) => total.get(tenantId)?.bytes ?? 0,
    sweep: (tenantId, unattachedBefore) => sweep.run({ tenantId, before: unattachedBefore }).changes,
  };
}

function toInfo(row: BlobRow): UploadBlobInfo {
  return {
    tenantId: row.tenant_id,
    uploadId: row.upload_id,
    jobId: row.job_id,
    name: row.name,
    bytes: row.bytes,
    createdAt: row.created_at,
  };
}
