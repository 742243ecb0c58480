/**
 * Checks a request for synthetic data and queues it as a `synth` job: the
 * count is sane, the agent exists and has knowledge, the teacher and judge
 * are known models, and the teacher's licence lets its outputs train (or the
 * person overrode it by naming the licence). Nothing is queued when a check
 * fails. What the checks decided (licence, defaults) goes into the payload,
 * so every worker that runs the job runs the same job.
 */

import { AlambiqueError, UsageError } from "../../spec/errors.js";
import type { Job, Store } from "../../spec/store.js";
import { type JudgeThresholds, judgeThresholdsSchema } from "../judge/judge-thresholds.js";
import { checkTeacherLicense } from "./check-teacher-license.js";
import { loadAgent, type SynthModelSource } from "./load-synth-context.js";
import {
  MAX_SYNTH_COUNT,
  SYNTH_JOB_KIND,
  type SynthJobPayload,
  synthJobPayloadSchema,
} from "./synth-job-payload.js";

export interface SynthRequest {
  tenantId: string;
  /** The agent's id or name. */
  agent: string;
  teacher: string;
  judge?: string;
  count: number;
  /** Default: the agent's languages. */
  languages?: string[];
  /** Default 1: the same request gives the same plan. */
  seed?: number;
  /** Tasks in flight at once. Default 4. */
  concurrency?: number;
  /** Default 3. */
  maxAttempts?: number;
  /** Default 120 000. */
  callTimeoutMs?: number;
  /** Most tokens one model call may generate (caps cost and time). Default: the steps' own. */
  maxTokens?: number;
  /** Default true. */
  dedup?: boolean;
  /** The judge's minimum scores; those not given keep their defaults (groundedness 3, helpfulness 3, policy 4, language 4). */
  thresholds?: Partial<JudgeThresholds>;
  /** The teacher's licence id, to run although that licence forbids training on its outputs. */
  allowLicense?: string;
  /** Dataset name (default: the agent's name) and split shares (default 0.1 and 0.1). */
  dataset?: { name?: string; validation?: number; test?: number };
}

export interface QueuedSynthJob {
  job: Job;
  payload: SynthJobPayload;
  /** For the person: an unknown licence, an override, languages the agent does not speak. */
  warnings: string[];
}

/**
 * Throws `UsageError` for a count outside 1..100000 or bad options,
 * NotFoundError for an unknown agent or model, AlambiqueError
 * `agent_has_no_knowledge` (422) and `license_forbids_training` (403).
 */
export async function enqueueSynthJob(
  store: Store,
  models: SynthModelSource,
  request: SynthRequest,
): Promise<QueuedSynthJob> {
  checkCount(request.count);
  const agent = await loadAgent(store, request.tenantId, request.agent);
  const sources = await store.knowledge.listSources(request.tenantId, agent.id);
  if (sources.reduce((sum, source) => sum + source.chunkCount, 0) === 0) {
    throw new AlambiqueError(`the agent ${agent.name} has no knowledge to make questions from`, {
      code: "agent_has_no_knowledge",
      status: 422,
      retryable: false,
      hint: `add its documents first: \`alambique knowledge add ${agent.name} FILE…\``,
    });
  }
  const teacher = await models.find(request.teacher);
  if (request.judge !== undefined) await models.find(request.judge);
  const { license, warnings } = checkTeacherLicense(teacher, request.allowLicense);

  const languages = request.languages ?? agent.spec.languages;
  const foreign = languages.filter((language) => !agent.spec.languages.includes(language));
  if (foreign.length > 0) {
    warnings.push(
      `${agent.name} is set up for ${agent.spec.languages.join(", ")}, not ${foreign.join(", ")}`,
    );
  }
  const candidate = {
    agent: { id: agent.id, name: agent.name },
    teacher: request.teacher,
    judge: request.judge ?? null,
    count: request.count,
    languages,
    seed: request.seed ?? 1,
    concurrency: request.concurrency ?? 4,
    maxAttempts: request.maxAttempts ?? 3,
    callTimeoutMs: request.callTimeoutMs ?? 120_000,
    maxTokens: request.maxTokens ?? null,
    dedup: request.dedup ?? true,
    thresholds: judgeThresholdsSchema.parse(request.thresholds ?? {}),
    license,
    dataset: {
      name: request.dataset?.name ?? agent.name,
      validation: request.dataset?.validation ?? 0.1,
      test: request.dataset?.test ?? 0.1,
    },
  };
  const parsed = synthJobPayloadSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `invalid synthetic-data request: ${issue.path.join(".")}: ${issue.message}`,
      "languages are ISO 639-1 codes (es, en), the seed a whole number 0 or more, the concurrency 1 to 256, " +
        "the dataset name lowercase (a-z, 0-9, . _ -)",
    );
  }
  const job = await store.jobs.enqueue({
    kind: SYNTH_JOB_KIND,
    tenantId: request.tenantId,
    payload: parsed.data as unknown as Job["payload"],
  });
  return { job, payload: parsed.data, warnings };
}

function checkCount(count: number): void {
  if (Number.isInteger(count) && count >= 1 && count <= MAX_SYNTH_COUNT) return;
  const reason =
    count === 0
      ? "a count of 0 makes nothing"
      : Number.isInteger(count) && count > MAX_SYNTH_COUNT
        ? `${count} rows is more than one job makes (at most ${MAX_SYNTH_COUNT})`
        : `${count} is not a whole number of rows from 1 to ${MAX_SYNTH_COUNT}`;
  throw new UsageError(
    `--count: ${reason}`,
    count > MAX_SYNTH_COUNT
      ? `run several jobs of up to ${MAX_SYNTH_COUNT} rows (each becomes a dataset version), or fewer rows`
      : `ask for 1 to ${MAX_SYNTH_COUNT} rows, e.g. --count 500`,
  );
}
