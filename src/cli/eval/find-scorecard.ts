import { NotFoundError, UsageError } from "../../spec/errors.js";
import { type Scorecard, scorecardSchema } from "../../spec/evaluation.js";
import type { ScorecardRecord, Store } from "../../spec/store.js";

/**
 * A tenant's scorecard by its id or a unique prefix of it (8 characters or
 * more, as `eval list` shows them), with the card parsed. Throws NotFoundError,
 * or UsageError for a prefix that names several.
 */
export async function findScorecard(
  store: Store,
  tenantId: string,
  idOrPrefix: string,
): Promise<{ record: ScorecardRecord; card: Scorecard }> {
  const exact = await store.evaluations.getScorecard(tenantId, idOrPrefix);
  const matches = exact
    ? [exact]
    : idOrPrefix.length >= 8
      ? (await store.evaluations.listScorecards(tenantId)).filter((s) => s.id.startsWith(idOrPrefix))
      : [];
  if (matches.length > 1)
    throw new UsageError(
      `${idOrPrefix} names ${matches.length} scorecards`,
      "give more of the id (`alambique eval list`)",
    );
  const record = matches[0];
  if (!record) throw new NotFoundError("scorecard", idOrPrefix, "`alambique eval list` shows the scorecards");
  return { record, card: scorecardSchema.parse(record.scorecard) };
}
