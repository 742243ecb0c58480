/**
 * The end of a job whose every task has its row: near-duplicates among the
 * kept rows are dropped (with the key of the row they repeat), then the
 * dataset is made from what is left (`createDatasetFromJob`, which also drops
 * rows too close to its test split). Each step is idempotent, so a worker
 * killed here redoes it without harm.
 */

import type { Dataset } from "../../spec/store.js";
import { createDatasetFromJob } from "../datasets/create-dataset-from-job.js";
import { dropNearDuplicates } from "../dedup/drop-near-duplicates.js";
import { defaultJudgeThresholds } from "../judge/judge-thresholds.js";
import type { JobSession } from "./job-session.js";
import type { LoadedSynthContext } from "./load-synth-context.js";
import type { SynthJobPayload } from "./synth-job-payload.js";
import type { SynthProgress } from "./synth-progress.js";

export async function finishSynthJob(
  session: JobSession,
  context: LoadedSynthContext,
  payload: SynthJobPayload,
  onPhase: (phase: SynthProgress["phase"]) => void,
): Promise<Dataset> {
  const { store, tenantId } = context.shared;
  await session.checkpoint("finishing");
  onPhase("finishing");
  if (payload.dedup) {
    const kept = await store.synth.listRows(session.jobId, { status: "kept" });
    const duplicates = dropNearDuplicates(kept).rows.filter((row) => row.dropped !== null);
    if (duplicates.length > 0) {
      await store.transaction(async (tx) => {
        for (const row of duplicates) await tx.synth.updateRow(session.jobId, row);
      });
    }
  }
  const { license } = payload;
  const dataset = await createDatasetFromJob(store, {
    tenantId,
    jobId: session.jobId,
    name: payload.dataset.name,
    shares: { validation: payload.dataset.validation, test: payload.dataset.test, seed: payload.seed },
    agent: payload.agent.name,
    teacher: {
      name: payload.teacher,
      licenseId: license.licenseId,
      ...(license.override !== null ? { licenseOverride: license.override } : {}),
    },
    judge:
      payload.judge === null
        ? null
        : { name: payload.judge, licenseId: context.judgeRecord?.licenseId ?? null },
    filters: {
      dedup: payload.dedup,
      judged: payload.judge !== null,
      count: payload.count,
      // The judge's minimum scores, by score, as the card lists them.
      ...(payload.judge !== null ? (payload.thresholds ?? defaultJudgeThresholds) : {}),
    },
  });
  session.setDataset(dataset.id);
  await session.refreshCounts();
  await session.checkpoint("done");
  return dataset;
}
