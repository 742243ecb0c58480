/**
 * Checks a request for an evaluation and queues it as an `eval` job: the
 * agent and the three models exist, the dataset has a test split, that split
 * does not overlap what the candidate was trained on, and the agent's gate is
 * the one recorded. Nothing is queued when a check fails. What the checks
 * decided (dataset version and hash, judge, gate, clock) goes into the
 * payload, so the scorecard names its inputs and a resumed job is the same job.
 */

import { AlambiqueError, UsageError } from "../../spec/errors.js";
import { defaultEvalGate } from "../../spec/evaluation.js";
import type { Dataset, Job, ModelRecord, Store } from "../../spec/store.js";
import { findDataset } from "../datasets/find-dataset.js";
import { defaultJudgeThresholds } from "../judge/judge-thresholds.js";
import { loadAgent, type SynthModelSource } from "../pipeline/load-synth-context.js";
import { studentDataset } from "../training/student-dataset.js";
import {
  EVAL_JOB_KIND,
  type EvalJobPayload,
  evalJobPayloadSchema,
  MAX_EVAL_REPEATS,
} from "./eval-job-payload.js";
import { findTestOverlap } from "./find-test-overlap.js";

export interface EvalRequest {
  tenantId: string;
  /** The agent's id or name. */
  agent: string;
  candidate: string;
  reference: string;
  /** Default: the reference. */
  judge?: string;
  /** `NAME` or `NAME@VERSION`. Default: the dataset the candidate was trained on, else the agent's newest. */
  dataset?: string;
  /** Default 1. */
  repeats?: number;
  /** Default 1. */
  seed?: number;
  /** Default 2. */
  concurrency?: number;
  /** Default 3. */
  maxAttempts?: number;
  /** Default 120 000. */
  callTimeoutMs?: number;
  /** Most tokens one model call may generate. Default: each call's own budget. */
  maxTokens?: number;
}

export interface QueuedEvalJob {
  job: Job;
  payload: EvalJobPayload;
  warnings: string[];
}

/**
 * Throws UsageError (same model twice, repeats out of range), NotFoundError
 * (agent, model, dataset), AlambiqueError `eval_no_test_split` (422) and
 * `eval_test_overlap` (409).
 */
export async function enqueueEvalJob(
  store: Store,
  models: SynthModelSource,
  request: EvalRequest,
): Promise<QueuedEvalJob> {
  const repeats = request.repeats ?? 1;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_EVAL_REPEATS)
    throw new UsageError(
      `--repeats: ${repeats} is not a whole number from 1 to ${MAX_EVAL_REPEATS}`,
      "e.g. --repeats 3 for pass^3",
    );
  if (request.candidate === request.reference)
    throw new UsageError(
      `the candidate and the reference are the same model (${request.candidate})`,
      "compare a student (--candidate) with its teacher (--reference)",
    );
  const agent = await loadAgent(store, request.tenantId, request.agent);
  const candidate = await models.find(request.candidate);
  await models.find(request.reference);
  const judge = request.judge ?? request.reference;
  if (request.judge !== undefined) await models.find(request.judge);
  const warnings: string[] = [];
  if (judge === request.reference)
    warnings.push(
      `the judge is the reference (${judge}): a model may prefer its own answers; name another with --judge`,
    );

  const dataset = await chooseDataset(store, request, agent.name, candidate);
  const ref = `${dataset.name}@${dataset.version}`;
  const test = (await store.datasets.rows(request.tenantId, dataset.id, { split: "test" })).map((r) => r.row);
  if (test.length === 0) {
    throw new AlambiqueError(
      `the dataset ${ref} has no test split: there is nothing held out to evaluate on`,
      {
        code: "eval_no_test_split",
        retryable: false,
        hint: `make a version with a test split (\`alambique synth run --agent ${agent.name} …\` holds out 10 % by default), or name one with --dataset NAME@VERSION`,
      },
    );
  }
  await checkOverlap(store, request.tenantId, dataset, test, candidate);
  if (!dataset.frozenAt)
    warnings.push(
      `${ref} is not frozen: if its rows change before the job ends, the job fails (\`alambique datasets freeze ${ref}\`)`,
    );

  const parsed = evalJobPayloadSchema.safeParse({
    agent: { id: agent.id, name: agent.name },
    candidate: request.candidate,
    reference: request.reference,
    judge,
    dataset: {
      id: dataset.id,
      name: dataset.name,
      version: dataset.version,
      contentHash: dataset.card.contentHash,
    },
    seed: request.seed ?? 1,
    repeats,
    concurrency: request.concurrency ?? 2,
    maxAttempts: request.maxAttempts ?? 3,
    callTimeoutMs: request.callTimeoutMs ?? 120_000,
    maxTokens: request.maxTokens ?? null,
    gate: agent.spec.evaluation?.gate ?? defaultEvalGate,
    thresholds: defaultJudgeThresholds,
    now: new Date().toISOString(),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `invalid evaluation request: ${issue.path.join(".")}: ${issue.message}`,
      "the seed is a whole number 0 or more, the concurrency 1 to 64, attempts 1 to 10, the timeout at least 100 ms, max tokens 1 or more",
    );
  }
  const job = await store.jobs.enqueue({
    kind: EVAL_JOB_KIND,
    tenantId: request.tenantId,
    payload: parsed.data as unknown as Job["payload"],
  });
  return { job, payload: parsed.data, warnings };
}

async function chooseDataset(
  store: Store,
  request: EvalRequest,
  agentName: string,
  candidate: ModelRecord,
): Promise<Dataset> {
  if (request.dataset !== undefined) return findDataset(store, request.tenantId, request.dataset);
  const trained = studentDataset(candidate);
  if (trained) return findDataset(store, request.tenantId, `${trained.name}@${trained.version}`);
  return findDataset(store, request.tenantId, agentName);
}

/** The test split against the dataset's own training rows, and against the rows the candidate was trained on. */
async function checkOverlap(
  store: Store,
  tenantId: string,
  dataset: Dataset,
  test: Parameters<typeof findTestOverlap>[0],
  candidate: ModelRecord,
): Promise<void> {
  const sources: Dataset[] = [dataset];
  const trained = studentDataset(candidate);
  if (trained) {
    const { name, version } = trained;
    const used = await store.datasets.getByName(tenantId, name, version);
    if (used && used.id !== dataset.id) sources.push(used);
  }
  for (const source of sources) {
    const train = (await store.datasets.rows(tenantId, source.id, { split: "train" })).map((r) => r.row);
    const overlap = findTestOverlap(test, train);
    if (overlap.rows === 0) continue;
    const own = source.id === dataset.id;
    const examples = overlap.examples.map((e) => `${e.test} ~ ${e.train}`).join(", ");
    throw new AlambiqueError(
      `${overlap.rows} of the ${test.length} test rows of ${dataset.name}@${dataset.version} overlap the training rows of ` +
        `${source.name}@${source.version}${own ? "" : `, which ${candidate.name} was trained on`} (${examples})`,
      {
        code: "eval_test_overlap",
        retryable: false,
        hint: "evaluate on a test split held out from the candidate's training: a dataset made by `alambique synth run` decontaminates its training rows against its own test split",
      },
    );
  }
}
