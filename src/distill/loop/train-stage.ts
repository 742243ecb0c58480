/**
 * Stage 3: train the student. Queues a `train` job on the frozen dataset
 * (`enqueueStudentJob`, with all its checks) the first time, recording its id
 * in the loop's checkpoint, then runs or resumes it through the same runner
 * as `students train`. A job queued by a session that died before recording
 * it is found by the student's name and adopted, not queued twice.
 */
import { NotFoundError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { enqueueStudentJob } from "../training/enqueue-student-job.js";
import { runStudentJob } from "../training/run-student-job.js";
import { STUDENT_JOB_KIND, studentJobPayloadSchema } from "../training/student-job-payload.js";
import { describeError } from "./distill-session.js";
import { readySubJob, type StageContext, type StageResult, subJobStop } from "./stage-context.js";

export async function trainStage(ctx: StageContext): Promise<StageResult> {
  const { store, session, payload, tenantId } = ctx;
  const dataset = session.checkpointState.dataset!;
  let jobId = session.checkpointState.jobs.train ?? (await orphan(store, tenantId, payload.student));
  if (jobId === undefined) {
    const queued = await enqueueStudentJob(store, {
      tenantId,
      modelsDir: ctx.modelsDir,
      dataset: `${dataset.name}@${dataset.version}`,
      base: payload.base,
      name: payload.student,
      epochs: payload.epochs ?? undefined,
      contextLength: payload.contextLength ?? undefined,
      allowLicense: payload.allowLicense ?? undefined,
    });
    for (const warning of queued.warnings) ctx.emit({ type: "notice", message: `warning: ${warning}` });
    jobId = queued.job.id;
  }
  if (session.checkpointState.jobs.train !== jobId)
    await session.checkpoint({ jobs: { ...session.checkpointState.jobs, train: jobId } });

  const sub = await readySubJob(store, "train", jobId);
  if (sub.state === "gone") return sub.stop;
  if (sub.state === "run") {
    const h = studentJobPayloadSchema.parse(sub.job.payload).hyperparameters;
    ctx.emit({
      type: "stage",
      stage: "train",
      jobId,
      resumed: sub.resumed,
      detail: `train ${payload.student} from ${payload.base} on ${dataset.name}@${dataset.version}: ${h.epochs} epoch${h.epochs === 1 ? "" : "s"}, ${h.contextLength}-token windows`,
    });
    const result = await runStudentJob({
      store,
      jobId,
      ...ctx.lease,
      signal: session.signal,
      onEvent: (event, checkpoint) => ctx.emit({ type: "train", event, checkpoint }),
      onNotice: (message) => ctx.emit({ type: "notice", message }),
    });
    if (result.outcome !== "succeeded")
      return subJobStop("train", jobId, result.outcome, result.error ? describeError(result.error) : null);
  }
  if (!(await store.models.get(payload.student)))
    throw new NotFoundError(
      "student",
      payload.student,
      "it was removed after training: start the loop again",
    );
  await session.checkpoint({ stage: "eval" });
  return undefined;
}

/** The newest unfinished or succeeded training job making this student, queued but never recorded. */
async function orphan(store: Store, tenantId: string, student: string): Promise<string | undefined> {
  const jobs = await store.jobs.list({ kind: STUDENT_JOB_KIND, tenantId });
  const mine = jobs.filter(
    (j) =>
      !["failed", "cancelled"].includes(j.status) &&
      studentJobPayloadSchema.safeParse(j.payload).data?.name === student,
  );
  return mine.at(-1)?.id;
}
