import { NotFoundError, UsageError } from "../spec/errors.js";
import type { Job, Store } from "../spec/store.js";

/**
 * A tenant's job of one kind, named by its id or by a unique prefix of at
 * least six characters (what `synth` and `students` commands accept).
 * Throws UsageError when the prefix names several, NotFoundError when none.
 */
export async function findJob(
  store: Store,
  job: { tenantId: string; kind: string; idOrPrefix: string; what: string; listCommand: string },
): Promise<Job> {
  const { tenantId, kind, idOrPrefix } = job;
  const exact = await store.jobs.get(idOrPrefix);
  if (exact && exact.kind === kind && exact.tenantId === tenantId) return exact;
  const matches =
    idOrPrefix.length >= 6
      ? (await store.jobs.list({ kind, tenantId })).filter((j) => j.id.startsWith(idOrPrefix))
      : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new UsageError(`${idOrPrefix} names ${matches.length} jobs`, "give more of the job id");
  throw new NotFoundError(job.what, idOrPrefix, `\`${job.listCommand}\` lists the jobs`);
}
