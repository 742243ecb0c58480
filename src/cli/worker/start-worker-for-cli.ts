/**
 * `alambique worker` in this process: opens the store (migrating it unless
 * told not to), names this worker `host:pid:random` in the leases it takes,
 * stops on SIGINT or SIGTERM (the job in hand is kept and queued again), and
 * exits 0 when stopped or, with `--once`, when no job is left.
 */
import { join } from "node:path";
import { newLeaseOwner } from "../../distill/pipeline/claim-job.js";
import type { SynthModelSource } from "../../distill/pipeline/load-synth-context.js";
import { preloadEmbeddedProvider } from "../../models/model-registry.js";
import type { CliContext } from "../cli-context.js";
import { onStopSignal } from "../stop-signals.js";
import { synthModelRegistry } from "../synth/run-synth-for-cli.js";
import { jobRunners } from "./job-runners.js";
import { runWorker } from "./run-worker.js";

export async function startWorkerForCli(
  context: CliContext,
  options: { kinds: string[] | undefined; leaseMs: number; pollMs: number; once: boolean },
): Promise<void> {
  const store = await context.store();
  let models: SynthModelSource | undefined;
  const controller = new AbortController();
  const stop = (signal: string) => {
    context.io.err(`${signal}: finishing the job in hand, then stopping…`);
    controller.abort();
  };
  const stopListening = onStopSignal(stop);
  try {
    // Every job kind runs models: import llama.cpp's binding before the first lease, not while holding one.
    await preloadEmbeddedProvider();
    await runWorker({
      store,
      models: () => (models ??= synthModelRegistry(context, store)),
      modelsDir: join(context.config.dataPath, "models"),
      uploadDir: join(context.config.dataPath, "uploads"),
      ...(context.config.knowledge?.limits ? { knowledgeLimits: context.config.knowledge.limits } : {}),
      kinds: options.kinds ?? Object.keys(jobRunners),
      owner: newLeaseOwner(),
      leaseMs: options.leaseMs,
      pollMs: options.pollMs,
      once: options.once,
      signal: controller.signal,
      log: (line) => context.io.err(line),
    });
  } finally {
    stopListening();
  }
}
