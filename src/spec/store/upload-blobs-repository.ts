// Part of the persistence contract: see ../store.ts for the conventions every method keeps.

/** One queued upload's file, as stored for a worker on any machine to read. */
export interface UploadBlobInfo {
  tenantId: string;
  /** Chosen by the caller for one upload; the files of an upload are put one at a time under it. */
  uploadId: string;
  /** The job that ingests it, once `attach`ed; null while the upload is being received. */
  jobId: string | null;
  /** The file's name in the upload (the source URI it becomes). */
  name: string;
  bytes: number;
  createdAt: string;
}

/**
 * The bytes of queued knowledge uploads (`POST /api/agents/:name/knowledge`
 * with `Prefer: respond-async`), kept in the store so that a worker on
 * another machine can read them. Every method is scoped to a tenant: a blob
 * of one tenant is never listed, read or removed through another's id.
 * Bounded per tenant (`put`'s `maxTenantBytes`); removed when their job ends
 * (`removeUpload`), or by `sweep` when nobody did.
 */
export interface UploadBlobsRepository {
  /**
   * Stores one file of an upload. Undefined, with nothing stored, when it
   * would take the bytes the tenant has stored here past `maxTenantBytes`
   * (checked and written atomically: two concurrent puts cannot both pass).
   * StoreError(unique) for a name already put under the upload.
   */
  put(input: {
    tenantId: string;
    uploadId: string;
    name: string;
    data: Uint8Array;
    maxTenantBytes: number;
  }): Promise<UploadBlobInfo | undefined>;
  /** Ties an upload's files to the job that ingests them; returns how many. */
  attach(tenantId: string, uploadId: string, jobId: string): Promise<number>;
  /** A job's files, in the order they were put. */
  list(tenantId: string, jobId: string): Promise<UploadBlobInfo[]>;
  /** One file's bytes; undefined when absent (or another tenant's). */
  read(tenantId: string, jobId: string, name: string): Promise<Uint8Array | undefined>;
  /** Removes an upload's files; returns how many. */
  removeUpload(tenantId: string, uploadId: string): Promise<number>;
  /** Bytes the tenant has stored here. */
  tenantBytes(tenantId: string): Promise<number>;
  /**
   * Removes the tenant's files left behind: those of a job that has ended
   * (succeeded, failed, cancelled) and those never attached to a job that
   * were put before `unattachedBefore` (an upload whose request died).
   * Returns how many.
   */
  sweep(tenantId: string, unattachedBefore: string): Promise<number>;
}
