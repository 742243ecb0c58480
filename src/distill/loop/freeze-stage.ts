/**
 * Stage 2: freeze the dataset version the synthetic data made, so the
 * student's provenance and the scorecard's dataset hash stay true (training
 * reads frozen datasets only). Freezing a frozen version changes nothing.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { StageContext, StageResult } from "./stage-context.js";

export async function freezeStage(ctx: StageContext): Promise<StageResult> {
  const { store, session, tenantId } = ctx;
  const ref = session.checkpointState.dataset!;
  const dataset = await store.datasets.get(tenantId, ref.id);
  if (!dataset) throw new NotFoundError("dataset", `${ref.name}@${ref.version}`);
  const frozen = dataset.frozenAt ? dataset : await store.datasets.freeze(tenantId, dataset.id);
  const s = frozen.splitCounts;
  ctx.emit({
    type: "stage",
    stage: "freeze",
    jobId: null,
    resumed: false,
    detail: `froze ${frozen.name}@${frozen.version}: ${s.train} train, ${s.validation} validation, ${s.test} test rows, content hash ${frozen.card.contentHash.slice(0, 16)}…`,
  });
  await session.checkpoint({ stage: "train" });
  return undefined;
}
