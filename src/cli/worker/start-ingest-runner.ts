import { join } from "node:path";
import { newLeaseOwner } from "../../distill/pipeline/claim-job.js";
import type { SynthModelSource } from "../../distill/pipeline/load-synth-context.js";
import { INGEST_JOB_KIND } from "../../knowledge/ingest-job-payload.js";
import type { Store } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { runWorker } from "./run-worker.js";

/**
 * `serve`'s own runner of queued knowledge uploads: the worker loop with the
 * one kind `ingest`, in this process, one job at a time, so that a single
 * process on SQLite ingests queued uploads with no other process to start.
 * Idle, it costs one statement a second (`jobs.claimable` of kind `ingest`,
 * ids only), however many jobs of other kinds are queued or running.
 * It shares the server's model registry (an agent's embedding model stays
 * loaded) and stops when the context closes, before the store: the job in
 * hand is paused and queued again, for the next start or another worker.
 */
export function startIngestRunner(context: CliContext, store: Store, models: SynthModelSource): void {
  const controller = new AbortController();
  const running = runWorker({
    store,
    models: () => models,
    uploadDir: join(context.config.dataPath, "uploads"),
    ...(context.config.knowledge?.limits ? { knowledgeLimits: context.config.knowledge.limits } : {}),
    kinds: [INGEST_JOB_KIND],
    owner: newLeaseOwner(),
    leaseMs: 30_000,
    pollMs: 1_000,
    once: false,
    signal: controller.signal,
    log: (line) => context.logger.info(line),
  }).catch((error: unknown) => context.logger.error({ err: error }, "the ingestion runner stopped"));
  context.onClose(async () => {
    controller.abort();
    await running;
  });
}
