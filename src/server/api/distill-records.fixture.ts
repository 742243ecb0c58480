import type { DistillCheckpoint, DistillJobPayload } from "../../distill/loop/distill-job-payload.js";
import type { Job, ScorecardRecord, Store } from "../../spec/store.js";

/**
 * A distillation loop as a worker leaves it after its evaluation stage: a
 * `distill` job (paused at `promote`, the gate not passed, with the reasons)
 * and the scorecard it made, written through the store as the worker writes
 * them (claim, checkpoint, finish). `secret` goes into the scorecard's
 * candidate name, so that a test can look for it where it must not be.
 */
export async function plantDistillLoop(
  store: Store,
  tenantId: string,
  agent: { id: string; name: string },
  secret = "student",
): Promise<{ job: Job; scorecard: ScorecardRecord }> {
  const synth = await store.jobs.enqueue({ kind: "synth", tenantId, payload: { agent: agent.id } });
  const payload: DistillJobPayload = {
    agent: { id: agent.id, name: agent.name },
    teacher: "teacher-70b",
    judge: null,
    base: "qwen2.5-0.5b",
    student: `${secret}-0.5b`,
    rows: 200,
    epochs: null,
    contextLength: null,
    repeats: 1,
    maxTokens: null,
    seed: 7,
    allowLicense: null,
    actor: "rosa",
    synthJobId: synth.id,
  };
  const job = await store.jobs.enqueue({ kind: "distill", tenantId, payload: payload as never });
  const scorecard = await store.evaluations.createScorecard({
    tenantId,
    agentId: agent.id,
    jobId: null,
    candidate: payload.student,
    reference: payload.teacher,
    judge: payload.teacher,
    datasetId: null,
    datasetHash: "ab".repeat(32),
    seed: 7,
    gatePassed: false,
    scorecard: {
      formatVersion: 1,
      models: { candidate: { rubric: { mean: 3.4 } }, reference: { rubric: { mean: 4.1 } } },
      pairwise: { winOrTie: 0.62 },
      gate: { passed: false, failures: ["win-or-tie 62% is under the gate's 70%"] },
    },
  });
  const owner = "fixture-worker";
  const claimed = await store.jobs.claim({ kinds: ["distill"], owner, leaseMs: 60_000, id: job.id });
  if (!claimed) throw new Error("the planted distill job could not be claimed");
  const checkpoint: DistillCheckpoint = {
    stage: "promote",
    jobs: { synth: synth.id, train: null, eval: null },
    dataset: { id: "ds_fixture", name: `${agent.name}-synth`, version: 1 },
    scorecardId: scorecard.id,
    gate: { passed: false, failures: ["win-or-tie 62% is under the gate's 70%"] },
    promotion: null,
    sessions: 1,
  };
  await store.jobs.checkpoint(job.id, owner, checkpoint as never, 0.8);
  const paused = await store.jobs.finish(job.id, owner, { status: "paused" });
  return { job: paused, scorecard };
}
