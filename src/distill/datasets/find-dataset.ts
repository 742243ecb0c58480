import { NotFoundError, UsageError } from "../../spec/errors.js";
import type { Dataset, Store } from "../../spec/store.js";

/**
 * The tenant's dataset named by `ref`: `NAME` (its newest version) or
 * `NAME@VERSION`. Throws UsageError for a malformed ref and NotFoundError
 * (with the command that lists them) for an absent one.
 */
export async function findDataset(store: Store, tenantId: string, ref: string): Promise<Dataset> {
  const match = /^(.+?)(?:@(\d+))?$/.exec(ref);
  if (!match) throw new UsageError(`"${ref}" is not NAME or NAME@VERSION`);
  const [, name, version] = match;
  const dataset = await store.datasets.getByName(
    tenantId,
    name!,
    version === undefined ? undefined : Number(version),
  );
  if (!dataset)
    throw new NotFoundError("dataset", ref, "`alambique datasets list` shows the datasets and versions");
  return dataset;
}
