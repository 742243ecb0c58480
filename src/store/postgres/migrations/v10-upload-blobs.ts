/**
 * Migration 10: the files of queued knowledge uploads, read by the worker
 * (on any machine) that ingests them and removed when their job ends
 * (postgres-upload-blobs.ts). The columns are SQLite's `upload_blobs`, so
 * `store copy` moves them; `seq` keeps the order they were put in.
 * (10 and 11 are reserved for other changes of the same release.)
 */
export const v10UploadBlobs = `
CREATE TABLE upload_blobs (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  upload_id text NOT NULL CHECK (length(upload_id) > 0),
  job_id text REFERENCES jobs (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 1000),
  bytes bigint NOT NULL CHECK (bytes = octet_length(data)),
  data bytea NOT NULL,
  created_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (tenant_id, upload_id, name)
);
CREATE INDEX upload_blobs_by_job ON upload_blobs (tenant_id, job_id, seq);
SELECT alambique_cap_table('upload_blobs');
`;
