import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseJsonAs } from "../../../models/training/parse-json-as.js";
import { checkSidecarOutput, type SidecarOutput } from "./import-sidecar-output.js";
import {
  parseProgressLine,
  type SidecarJob,
  type SidecarProgressLine,
  sidecarJobSchema,
} from "./sidecar-job.js";

/** Written in `output/` when the command exits 0 (the folder is emptied when a run starts). */
const EXITED = ".alambique-command-exited";

/** Records that the job's command exited 0: a resume after this takes its output as final. */
export async function markCommandExited(job: SidecarJob): Promise<void> {
  await writeFile(join(dirname(job.output.model), EXITED), `${new Date().toISOString()}\n`);
}

export type EarlierRun =
  /** The earlier session's command finished and left a usable output: take it, do not run again. */
  | { finished: true; job: SidecarJob; lines: SidecarProgressLine[]; output: SidecarOutput }
  /** Run the command (again); `why` is what to tell the person, null for a first run. */
  | { finished: false; why: string | null };

/**
 * What an earlier session of this job left in its folder `dir` (a job is
 * resumed after Ctrl-C, a crash or a kill -9 of Alambique, which may come
 * after the command had finished). It finished when it left an output that
 * passes the import's checks (`checkSidecarOutput`) and either exited 0 (the
 * mark `markCommandExited` left) or reported its last epoch (an `epoch` line,
 * or a `progress` line at the last step of the last epoch): a command killed
 * mid-write leaves a file that fails the checks, one killed mid-training one
 * that reported no last epoch.
 *
 * Throws nothing the folder's contents cause (an unusable folder is a reason to run again).
 */
export async function earlierRun(dir: string, epochs: number, base: string): Promise<EarlierRun> {
  const text = await readFile(join(dir, "job.json"), "utf8").catch(() => undefined);
  if (text === undefined) return { finished: false, why: null };
  const parsed = parseJsonAs(sidecarJobSchema, text);
  if (!parsed.success) return { finished: false, why: "its job folder is not one this version wrote" };
  const job = parsed.data;
  const lines = ((await readFile(job.progress, "utf8").catch(() => "")) || "").split("\n").flatMap((line) => {
    const row = parseProgressLine(line);
    return row ? [row] : [];
  });
  const exited = (await stat(join(dirname(job.output.model), EXITED)).catch(() => undefined)) !== undefined;
  const lastEpoch = lines.some(
    (l) =>
      (l.type === "epoch" && l.epoch >= epochs) ||
      (l.type === "progress" && l.epoch >= epochs && l.step >= l.steps),
  );
  let output: SidecarOutput;
  try {
    output = await checkSidecarOutput(job.output, base);
  } catch (error) {
    return { finished: false, why: `the earlier run left no usable output (${(error as Error).message})` };
  }
  if (!exited && !lastEpoch) {
    return {
      finished: false,
      why: `the earlier run left ${output.path} but neither exited nor reported its last epoch (${epochs}): it may be incomplete`,
    };
  }
  return { finished: true, job, lines, output };
}
