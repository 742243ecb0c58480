/**
 * Which trainer command runs in a job folder, so that no two run there at
 * once. The command is started in its own process group (its `ssh`,
 * `kubectl` or python children with it) and survives Alambique: a kill -9 of
 * the process running the job leaves it training and appending to the
 * folder's progress file. Whoever resumes the job (`students resume`, a
 * worker taking over an expired lease) first stops what the record names.
 *
 * `sidecar-process.json` in the job folder: `pid` (the group's leader, the
 * command itself), `pgid` (equal to it), `start` (the leader's start, which
 * tells a recycled pid apart), `host`, `startedAt`.
 */
import { renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { parseJsonAs } from "../../../models/training/parse-json-as.js";
import { TrainingError } from "../../../spec/students.js";
import { processStart, processTable, startedNoEarlier } from "./process-table.js";

export const SIDECAR_PROCESS_FILE = "sidecar-process.json";

const recordSchema = z.object({
  // Never 0 or 1: `kill(-1)` signals every process the user may signal.
  pid: z.int().min(2),
  pgid: z.int().min(2),
  start: z.string().min(1),
  host: z.string(),
  startedAt: z.string(),
});
export type SidecarProcessRecord = z.infer<typeof recordSchema>;

/**
 * Records the command just started as group `pid` (spawned detached: it leads
 * its own group). Synchronous, and written whole (a temporary file renamed),
 * so that a kill -9 right after leaves either no record or a whole one.
 * Throws what the file system throws; a command it cannot record must not run.
 */
export function recordSidecarProcess(jobDir: string, pid: number): void {
  const record: SidecarProcessRecord = {
    pid,
    pgid: pid,
    start: processStart(pid) ?? "gone",
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  const file = join(jobDir, SIDECAR_PROCESS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`);
  renameSync(`${file}.tmp`, file);
}

export interface StopEarlierOptions {
  /** Milliseconds between SIGTERM and SIGKILL. Default 5 000, as when the command itself is cancelled. */
  graceMs?: number;
  onNotice?: (message: string) => void;
}

/**
 * Stops the trainer command an earlier session started in `jobDir`, if any of
 * its process group is still alive: SIGTERM to the group, SIGKILL to what is
 * left after `graceMs`, then waits until none is left. Nothing is signalled
 * when the record's leader pid now belongs to another process (recycled: its
 * start differs), or when nothing of the group is left. Returns how many
 * processes it stopped.
 *
 * Throws TrainingError `command_still_running` when it cannot stop them:
 * recorded on another host, not this user's to signal (EPERM), or alive
 * after SIGKILL. Nothing is started then: two trainers never share a folder.
 */
export async function stopEarlierSidecar(jobDir: string, options: StopEarlierOptions = {}): Promise<number> {
  const file = join(jobDir, SIDECAR_PROCESS_FILE);
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return 0;
  const parsed = parseJsonAs(recordSchema, text);
  if (!parsed.success) return 0; // a record this version did not write
  const record = parsed.data;
  const what = `the trainer command an earlier session of this job started (process group ${record.pgid}, since ${record.startedAt})`;
  const stopHint = `Stop it (\`kill -TERM -- -${record.pgid}\`${record.host === hostname() ? "" : ` on ${record.host}`}), then delete ${file} and resume the job.`;
  if (record.host !== hostname()) {
    throw new TrainingError(
      "command_still_running",
      `${what} ran on ${record.host}, not here: it may still be training in ${jobDir}, and cannot be stopped from this machine`,
      { hint: stopHint },
    );
  }
  const members = () => groupOf(record);
  const alive = members();
  if (alive.length === 0) return 0;
  options.onNotice?.(`${what} is still running (${alive.length} processes): stopping it`);
  signal(record.pgid, "SIGTERM", what, stopHint);
  // A stopped process (SIGSTOP, a suspended job) takes SIGTERM only once it runs again, as systemd does it.
  signal(record.pgid, "SIGCONT", what, stopHint);
  if (!(await emptied(members, options.graceMs ?? 5_000))) {
    signal(record.pgid, "SIGKILL", what, stopHint);
    if (!(await emptied(members, 5_000))) {
      throw new TrainingError("command_still_running", `${what} is still running after SIGKILL`, {
        hint: stopHint,
      });
    }
  }
  options.onNotice?.(`stopped ${what}`);
  return alive.length;
}

/**
 * The live members of the recorded group. The group is the record's only if
 * its leader is gone or is the recorded process (same start): a group id is
 * not reused while the group has members, and a new process given the
 * leader's pid would lead a group of its own. Members started before the
 * leader are not its children (where starts compare: Linux).
 */
function groupOf(record: SidecarProcessRecord): number[] {
  const table = processTable();
  const leader = table.find((p) => p.pid === record.pgid && p.state !== "Z");
  if (leader && leader.start !== record.start) return [];
  return table
    .filter((p) => p.pgid === record.pgid && p.state !== "Z" && startedNoEarlier(p.start, record.start))
    .map((p) => p.pid);
}

function signal(pgid: number, name: NodeJS.Signals, what: string, hint: string): void {
  try {
    process.kill(-pgid, name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return; // gone meanwhile
    throw new TrainingError(
      "command_still_running",
      `${what} could not be stopped (${code}): it may still be training`,
      {
        hint,
        cause: error,
      },
    );
  }
}

async function emptied(members: () => number[], withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    if (members().length === 0) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
