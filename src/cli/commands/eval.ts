import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { nonNegativeInt, positiveInt } from "../parse-option.js";

interface RunOptions {
  agent: string;
  candidate: string;
  reference: string;
  dataset?: string;
  judge?: string;
  repeats?: number;
  seed?: number;
  concurrency?: number;
  maxTokens?: number;
  timeoutMs?: number;
  json?: boolean;
}

export function registerEval(program: Command, context: CliContext): void {
  const evaluation = program
    .command("eval")
    .description("parity scorecards: a student against its teacher on an agent's held-out test split");

  evaluation
    .command("run")
    .description(
      "replay the test split's customer turns with both models, judge and score them (Ctrl-C pauses)",
    )
    .requiredOption(
      "--agent <name>",
      "the agent whose turn (prompt, retrieval, guardrails, tools in dry-run) is replayed",
    )
    .requiredOption("--candidate <model>", "the model to prove (a student)")
    .requiredOption("--reference <model>", "the model to match (its teacher)")
    .option(
      "--dataset <name[@version]>",
      "default: the dataset the candidate was trained on, else the agent's newest",
    )
    .option("--judge <model>", "scores the rubric and the pairwise preference (default: the reference)")
    .option("--repeats <k>", "runs of every turn per model, for pass^k (default 1)", positiveInt)
    .option("--seed <n>", "seed of the judge's calls (default 1)", nonNegativeInt)
    .option("--concurrency <n>", "turns in flight at once (default 2)", positiveInt)
    .option("--max-tokens <n>", "most tokens one model call may generate", positiveInt)
    .option("--timeout-ms <n>", "longest one model call may take, in ms (default 120000)", positiveInt)
    .option("--json", "print the scorecard as JSON (id, gate.passed, gate.failures, scorecard)")
    .action(async (options: RunOptions) => {
      const { enqueueEvalJob } = await import("../../distill/eval/enqueue-eval-job.js");
      const { runEvalForCli } = await import("../eval/run-eval-for-cli.js");
      const { synthModelRegistry } = await import("../synth/run-synth-for-cli.js");
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const store = await context.store();
      const tenant = await defaultTenant(store);
      const models = synthModelRegistry(context, store);
      const queued = await enqueueEvalJob(store, models, {
        tenantId: tenant.id,
        agent: options.agent,
        candidate: options.candidate,
        reference: options.reference,
        ...(options.judge !== undefined ? { judge: options.judge } : {}),
        ...(options.dataset !== undefined ? { dataset: options.dataset } : {}),
        ...(options.repeats !== undefined ? { repeats: options.repeats } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
        ...(options.timeoutMs !== undefined ? { callTimeoutMs: options.timeoutMs } : {}),
      });
      for (const warning of queued.warnings) context.io.err(`warning: ${warning}`);
      const p = queued.payload;
      context.io.err(
        `job ${queued.job.id}: ${p.candidate} against ${p.reference} on ${p.agent.name}, ` +
          `${p.dataset.name}@${p.dataset.version} test split, judged by ${p.judge}, ${p.repeats} repeat(s)`,
      );
      await runEvalForCli(context, store, models, queued.job.id, { json: options.json });
    });

  evaluation
    .command("resume <job>")
    .description("go on with a paused (or interrupted) evaluation, here, from where it stopped")
    .option("--json", "print the scorecard as JSON")
    .action(async (job: string, options: { json?: boolean }) => {
      const { runEvalForCli } = await import("../eval/run-eval-for-cli.js");
      const { synthModelRegistry } = await import("../synth/run-synth-for-cli.js");
      const store = await context.store();
      const current = await store.jobs.get(job);
      if (current?.kind === "eval" && current.status === "paused") await store.jobs.setStatus(job, "queued");
      await runEvalForCli(context, store, synthModelRegistry(context, store), job, options);
    });

  evaluation
    .command("list")
    .description("the scorecards, oldest first")
    .option("--agent <name>", "only this agent's")
    .option("--json", "print JSON")
    .action(async (options: { agent?: string; json?: boolean }) => {
      const { listScorecardsForCli } = await import("../eval/eval-views.js");
      await listScorecardsForCli(context, options);
    });

  evaluation
    .command("show <id>")
    .description("a scorecard as a table: every metric of both models, and the gate")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const { showScorecardForCli } = await import("../eval/eval-views.js");
      await showScorecardForCli(context, id, options);
    });

  evaluation
    .command("export <id>")
    .description("a scorecard as JSON, or as a self-contained HTML page with charts")
    .requiredOption("--format <format>", "json or html")
    .option("--out <file>", "write it to this file (default: stdout)")
    .action(async (id: string, options: { format: string; out?: string }) => {
      const { exportScorecardForCli } = await import("../eval/eval-views.js");
      await exportScorecardForCli(context, id, options);
    });

  evaluation
    .command("compare <a> <b>")
    .description("two scorecards side by side (e.g. two students on one agent), with B − A")
    .option("--json", "print JSON")
    .action(async (a: string, b: string, options: { json?: boolean }) => {
      const { compareScorecardsForCli } = await import("../eval/eval-views.js");
      await compareScorecardsForCli(context, a, b, options);
    });
}
