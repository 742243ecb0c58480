import { type Command, InvalidArgumentError } from "commander";
import type { CliContext } from "../cli-context.js";
import { positiveInt } from "../parse-option.js";

interface WorkerFlags {
  kinds?: string[];
  leaseMs?: number;
  pollMs?: number;
  once?: boolean;
  migrate: boolean;
}

/** `alambique worker`: runs the store's jobs (synthetic data, training, evaluation, ingestion) until stopped. */
export function registerWorker(program: Command, context: CliContext): void {
  program
    .command("worker")
    .description(
      "run queued jobs (synthetic data, training, evaluation, distillation loops, knowledge uploads) from the store; start as many as you like, on any machine sharing the database",
    )
    .option(
      "--kinds <list>",
      "comma-separated job kinds to run: synth, train, eval, distill, ingest (default all)",
      parseKinds,
    )
    .option(
      "--lease-ms <n>",
      "a job's lease: how soon another worker may take over a job whose worker died (default 30000)",
      positiveInt,
    )
    .option("--poll-ms <n>", "how often to look for new jobs when idle, in ms (default 2000)", positiveInt)
    .option("--once", "run what is queued, then exit instead of waiting for more")
    .option(
      "--no-migrate",
      "refuse a store with pending migrations instead of migrating it (see `alambique migrate`)",
    )
    .action(async (flags: WorkerFlags) => {
      const { startWorkerForCli } = await import("./start-worker-for-cli.js");
      if (!flags.migrate) context.migrateOnOpen = false;
      await startWorkerForCli(context, {
        kinds: flags.kinds,
        leaseMs: flags.leaseMs ?? 30_000,
        pollMs: flags.pollMs ?? 2_000,
        once: flags.once === true,
      });
    });
}

const knownKinds = ["synth", "train", "eval", "distill", "ingest"];

function parseKinds(value: string): string[] {
  const kinds = value
    .split(",")
    .map((kind) => kind.trim())
    .filter(Boolean);
  const unknown = kinds.filter((kind) => !knownKinds.includes(kind));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `expected some of ${knownKinds.join(", ")}${unknown.length ? `; got ${unknown.join(", ")}` : ""}`,
    );
  }
  return kinds;
}
