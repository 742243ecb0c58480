/**
 * `alambique demo --distill`: the whole distillation loop on the demo bakery,
 * offline, with two models forged on this machine (random weights, nothing
 * downloaded): a teacher, and an F32 base a student can be trained from.
 * Small on purpose (a few dozen rows, two short epochs) so it ends in a few
 * minutes on two cores, and plain about what a forged model can and cannot
 * show.
 */
import { join } from "node:path";
import { describeModel } from "../../models/catalog/describe-model.js";
import { forgeModel } from "../../models/forge/forge-model.js";
import type { Store } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { startDistillForCli } from "../distill/distill-for-cli.js";

export const DEMO_TEACHER = "demo-forged-teacher";
export const DEMO_BASE = "demo-forged-base";

/** Small enough for a few minutes on two cores; big enough for a held-out test split. */
const DEMO_LOOP = { rows: 20, epochs: 2, contextLength: 256, maxTokens: 32 } as const;

export async function runDemoDistill(context: CliContext, agent: string): Promise<void> {
  const { io } = context;
  const store = await context.store();
  const modelsDir = join(context.config.dataPath, "models");
  io.out("\nDistilling a student for the bakery, offline, on forged models.");
  await ensureForged(context, store, DEMO_TEACHER, join(modelsDir, "demo-forged-teacher.gguf"), 1);
  await ensureForged(context, store, DEMO_BASE, join(modelsDir, "demo-forged-base.gguf"), 2);
  io.out(
    [
      "",
      "What a forged model can and cannot show:",
      "  Both models were forged here with random weights: the teacher speaks nonsense, so the rows it",
      "  writes, the student learnt from them and the scorecard's quality numbers (rubric, wins, the gate's",
      "  verdict) mean nothing about quality. The mechanics are real: the licence checks, synthetic rows",
      "  checkpointed as a job, a frozen dataset version with its hash, llama.cpp training the student's",
      "  weights (the losses are measured), the agent's own turn replayed with both models and judged, the",
      "  gate applied, the promotion recorded, and Ctrl-C pausing any stage for `distill resume`.",
      "",
    ].join("\n"),
  );
  const result = await startDistillForCli(
    context,
    { agent, teacher: DEMO_TEACHER, base: DEMO_BASE, ...DEMO_LOOP, by: "demo" },
    {},
  );
  if (result.outcome !== "succeeded") return;
  // The gate's verdict on nonsense is part of what the demo shows, not a failure of the demo.
  context.exitCode = 0;
  const p = result.payload;
  io.out(
    [
      "",
      result.checkpoint.promotion
        ? `The bakery now answers with ${p.student}, which speaks nonsense: \`npx alambique students rollback --agent ${agent}\` ` +
          "restores it (so does `npx alambique demo`, which reloads data/demo/agent.yaml)."
        : `The gate kept ${p.student} out, as it should keep any student that does not do the teacher's job.`,
      "For a student worth serving, the same loop with real models:",
      "  npx alambique models add teacher --url http://gpu-box:8000/v1 --license llama3.3   # a large open model",
      "  npx alambique models add base --gguf ./base-f32.gguf                              # a small F32 base",
      `  npx alambique distill ${agent} --teacher teacher --base base --rows 500`,
    ].join("\n"),
  );
}

/** Forges `name` into the data folder and adds it to the catalog, unless the catalog has it already. */
async function ensureForged(
  context: CliContext,
  store: Store,
  name: string,
  out: string,
  seed: number,
): Promise<void> {
  if (await store.models.get(name)) return;
  const forged = await forgeModel({ out, preset: "tiny", seed, f32: true });
  const record = await describeModel(
    { name, gguf: forged.path, threads: 1 },
    { modelsDir: join(context.config.dataPath, "models"), env: context.env },
  );
  await store.models.add(record);
  context.io.out(
    `forged ${name}: ${forged.parameterCount} parameters, ${forged.matrixType.toUpperCase()} matrices, random weights (${forged.path})`,
  );
}
