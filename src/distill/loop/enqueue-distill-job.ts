/**
 * Checks a request for the whole distillation loop and queues it as a
 * `distill` job, so that bad input is refused before an hour of synthetic
 * data is spent: the agent, teacher and judge exist; the base is a local GGUF
 * whose matrices train (F32) with a chat template; the student's name is free;
 * the licences allow the student. The first stage's `synth` job is queued
 * here too (`enqueueSynthJob`: its own checks of the count, the agent's
 * knowledge and the teacher's licence), and its id goes into the payload.
 * The later stages' checks that need their input (the dataset's size for a
 * training window, a test split) run when the stage starts.
 */
import { readTrainableBase } from "../../models/training/trainable-base.js";
import { UsageError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { enqueueSynthJob } from "../pipeline/enqueue-synth-job.js";
import { loadAgent, type SynthModelSource } from "../pipeline/load-synth-context.js";
import { checkStudentLicense } from "../training/check-student-license.js";
import { findStudentBase } from "../training/student-data.js";
import {
  DISTILL_JOB_KIND,
  type DistillJobPayload,
  distillJobPayloadSchema,
  MIN_DISTILL_ROWS,
} from "./distill-job-payload.js";
import { checkLoopStudentName, freeStudentName } from "./loop-student-name.js";

export interface DistillRequest {
  tenantId: string;
  /** Where students' GGUFs go (`modelsDir/students/NAME.gguf`). */
  modelsDir: string;
  /** The agent's id or name. */
  agent: string;
  teacher: string;
  base: string;
  /** Default `AGENT-student`, or `AGENT-student-N` for the first N free. */
  student?: string;
  judge?: string;
  /** Synthetic rows to make. Default 500. */
  rows?: number;
  epochs?: number;
  contextLength?: number;
  /** Evaluation runs of every turn per model. Default 1. */
  repeats?: number;
  /** Most tokens one model call may generate, in synthetic data and evaluation. */
  maxTokens?: number;
  seed?: number;
  allowLicense?: string;
  /** Who starts the loop (recorded with the promotion). */
  actor: string;
}

export const DISTILL_DEFAULT_ROWS = 500;

/**
 * Throws UsageError (too few rows, a name taken or malformed), NotFoundError
 * (agent, teacher, judge, base), TrainingError (base_not_local,
 * base_not_trainable, base_no_chat_template), AlambiqueError
 * `license_forbids_training` and `agent_has_no_knowledge`. Nothing is stored
 * when one is thrown.
 */
export async function enqueueDistillJob(
  store: Store,
  models: SynthModelSource,
  request: DistillRequest,
): Promise<{ job: Job; payload: DistillJobPayload; warnings: string[] }> {
  const rows = request.rows ?? DISTILL_DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < MIN_DISTILL_ROWS)
    throw new UsageError(
      `--rows: ${rows} is too few: the loop holds out a tenth of the rows as the test split the student is evaluated on`,
      `ask for at least ${MIN_DISTILL_ROWS} rows (hundreds make a student worth evaluating), e.g. --rows 500`,
    );
  const agent = await loadAgent(store, request.tenantId, request.agent);
  const teacher = await models.find(request.teacher);
  if (request.judge !== undefined) await models.find(request.judge);
  const base = await findStudentBase(store, request.base);
  await readTrainableBase(base.path);
  const student = request.student ?? (await freeStudentName(store, request.modelsDir, agent.name));
  await checkLoopStudentName(store, request.modelsDir, student);
  const { warnings } = checkStudentLicense({
    name: student,
    base: base.record,
    teacher: { name: teacher.name, licenseId: teacher.licenseId, licenseOverride: request.allowLicense },
    teacherRecord: teacher,
    allowLicense: request.allowLicense,
  });

  const synth = await enqueueSynthJob(store, models, {
    tenantId: request.tenantId,
    agent: agent.id,
    teacher: request.teacher,
    count: rows,
    dataset: { validation: validationShare(rows) },
    ...(request.judge !== undefined ? { judge: request.judge } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.allowLicense !== undefined ? { allowLicense: request.allowLicense } : {}),
  });
  const payload = distillJobPayloadSchema.safeParse({
    agent: { id: agent.id, name: agent.name },
    teacher: request.teacher,
    judge: request.judge ?? null,
    base: request.base,
    student,
    rows,
    epochs: request.epochs ?? null,
    contextLength: request.contextLength ?? null,
    repeats: request.repeats ?? 1,
    maxTokens: request.maxTokens ?? null,
    seed: request.seed ?? 1,
    allowLicense: request.allowLicense ?? null,
    actor: request.actor,
    synthJobId: synth.job.id,
  } satisfies DistillJobPayload);
  if (!payload.success) {
    await store.jobs.setStatus(synth.job.id, "cancelled");
    const issue = payload.error.issues[0]!;
    throw new UsageError(
      `invalid distillation request: ${issue.path.join(".")}: ${issue.message}`,
      "epochs, --ctx, --repeats and --max-tokens are whole numbers of 1 or more",
    );
  }
  const job = await store.jobs
    .enqueue({
      kind: DISTILL_JOB_KIND,
      tenantId: request.tenantId,
      payload: payload.data as unknown as Job["payload"],
    })
    .catch(async (error: unknown) => {
      await store.jobs.setStatus(synth.job.id, "cancelled").catch(() => undefined);
      throw error;
    });
  return { job, payload: payload.data, warnings: [...synth.warnings, ...warnings] };
}

/**
 * A tenth of the rows, but at least three: a training run is validated on
 * windows cut from one stream of its validation conversations, whose tail
 * (shorter than a window) is left out, so a single long conversation can
 * leave no assistant token to measure. Small loops (a demo, a test) need the
 * larger share; at most half of the rows.
 */
function validationShare(rows: number): number {
  return Math.min(0.5, Math.max(0.1, 3 / rows));
}
