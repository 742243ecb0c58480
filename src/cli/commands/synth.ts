import { type Command, InvalidArgumentError } from "commander";
import type { CliContext } from "../cli-context.js";
import { positiveInt, score } from "../parse-option.js";

interface RunOptions {
  agent: string;
  teacher: string;
  judge?: string;
  count: number;
  languages?: string[];
  seed?: number;
  concurrency?: number;
  allowLicense?: string;
  dataset?: string;
  maxTokens?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  dedup: boolean;
  json?: boolean;
  minGroundedness?: number;
  minHelpfulness?: number;
  minPolicy?: number;
  minLanguage?: number;
}

export function registerSynth(program: Command, context: CliContext): void {
  const synth = program
    .command("synth")
    .description("synthetic training data: a teacher model writes conversations from an agent's knowledge");

  synth
    .command("run")
    .description("queue a synthetic-data job and run it here (Ctrl-C pauses it; `synth resume` goes on)")
    .requiredOption("--agent <name>", "the agent whose knowledge, prompt and tools the data comes from")
    .requiredOption("--teacher <model>", "catalog model that writes the data (its licence is checked)")
    .option("--judge <model>", "catalog model that scores every row (rows under the thresholds are dropped)")
    .requiredOption("--count <n>", "rows to make, 1 to 100000", wholeNumber)
    .option("--languages <list>", "comma-separated ISO 639-1 codes, e.g. es,en (default: the agent's)", list)
    .option("--seed <n>", "same seed, same plan (default 1)", wholeNumber)
    .option("--concurrency <n>", "model calls in flight at once (default 4)", positiveInt)
    .option(
      "--allow-license <id>",
      "run although the teacher's licence forbids training on its outputs (recorded)",
    )
    .option("--dataset <name>", "name of the dataset made at the end (default: the agent's name)")
    .option("--max-tokens <n>", "most tokens one model call may generate", positiveInt)
    .option(
      "--max-attempts <n>",
      "attempts per row on rate limits, 5xx and timeouts (default 3)",
      positiveInt,
    )
    .option("--timeout-ms <n>", "longest one model call may take, in ms (default 120000)", positiveInt)
    .option("--no-dedup", "keep near-duplicate rows")
    .option("--min-groundedness <1-5>", "judge: drop rows less grounded in the knowledge (default 3)", score)
    .option("--min-helpfulness <1-5>", "judge: drop less helpful answers (default 3)", score)
    .option("--min-policy <1-5>", "judge: drop answers that keep the agent's rules less (default 4)", score)
    .option("--min-language <1-5>", "judge: drop answers less in the customer's language (default 4)", score)
    .option("--json", "print the report as JSON")
    .action(async (options: RunOptions) => {
      const { enqueueSynthJob } = await import("../../distill/pipeline/enqueue-synth-job.js");
      const { runSynthForCli, synthModelRegistry } = await import("../synth/run-synth-for-cli.js");
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const store = await context.store();
      const tenant = await defaultTenant(store);
      const models = synthModelRegistry(context, store);
      const queued = await enqueueSynthJob(store, models, {
        tenantId: tenant.id,
        agent: options.agent,
        teacher: options.teacher,
        count: options.count,
        dedup: options.dedup,
        thresholds: {
          ...(options.minGroundedness !== undefined ? { groundedness: options.minGroundedness } : {}),
          ...(options.minHelpfulness !== undefined ? { helpfulness: options.minHelpfulness } : {}),
          ...(options.minPolicy !== undefined ? { policy: options.minPolicy } : {}),
          ...(options.minLanguage !== undefined ? { languageMatch: options.minLanguage } : {}),
        },
        ...(options.judge !== undefined ? { judge: options.judge } : {}),
        ...(options.languages ? { languages: options.languages } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.allowLicense !== undefined ? { allowLicense: options.allowLicense } : {}),
        ...(options.dataset !== undefined ? { dataset: { name: options.dataset } } : {}),
        ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.timeoutMs !== undefined ? { callTimeoutMs: options.timeoutMs } : {}),
      });
      for (const warning of queued.warnings) context.io.err(`warning: ${warning}`);
      const p = queued.payload;
      context.io.err(
        `job ${queued.job.id}: ${p.count} rows for ${p.agent.name} in ${p.languages.join(", ")} by ${p.teacher}` +
          `${p.judge ? `, judged by ${p.judge}` : ""}, seed ${p.seed}, ${p.concurrency} at a time`,
      );
      await runSynthForCli(context, store, models, queued.job.id, { json: options.json });
    });

  synth
    .command("status [job]")
    .description("the synthetic-data jobs, or one job's report (rows, drops, tokens, cost, time)")
    .option("--json", "print JSON")
    .action(async (job: string | undefined, options: { json?: boolean }) => {
      const { printSynthStatus } = await import("../synth/synth-status.js");
      await printSynthStatus(context, job, options);
    });

  synth
    .command("pause <job>")
    .description("pause a job: its worker stops after the rows in flight; what is done is kept")
    .action(async (job: string) => {
      const { setSynthJobStatus } = await import("../synth/synth-status.js");
      await setSynthJobStatus(context, job, "paused");
    });

  synth
    .command("resume <job>")
    .description("go on with a paused (or interrupted) job, here, from where it stopped")
    .option("--json", "print the report as JSON")
    .action(async (job: string, options: { json?: boolean }) => {
      const { resumeSynthJob } = await import("../synth/synth-status.js");
      await resumeSynthJob(context, job, options);
    });

  synth
    .command("cancel <job>")
    .description("cancel a job for good (its rows stay readable)")
    .action(async (job: string) => {
      const { setSynthJobStatus } = await import("../synth/synth-status.js");
      await setSynthJobStatus(context, job, "cancelled");
    });
}

/** Any whole number: the range is checked with the reason by the job's own validation. */
function wholeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n)) throw new InvalidArgumentError("expected a whole number");
  return n;
}

function list(value: string): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError("expected a comma-separated list, e.g. es,en");
  return items;
}
