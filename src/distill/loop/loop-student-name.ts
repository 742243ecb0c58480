import { UsageError } from "../../spec/errors.js";
import type { JobStatus, Store } from "../../spec/store.js";
import { assertModelName, studentNameTaken } from "../training/check-student-name.js";
import { DISTILL_JOB_KIND } from "./distill-job-payload.js";

/**
 * The name rules the train stage applies (`checkStudentName`), checked before
 * the loop starts, and one more: no unfinished loop is making a student of
 * that name. Throws UsageError (not a model name, or taken).
 */
export async function checkLoopStudentName(store: Store, modelsDir: string, name: string): Promise<void> {
  assertModelName(name);
  const why = await studentNameTaken(store, modelsDir, name, await pendingStudents(store));
  if (why) throw new UsageError(`${name} is taken: ${why}`, "choose another --name");
}

/** The first free of `AGENT-student`, `AGENT-student-2`, … (the agent's name cut to 50 characters). */
export async function freeStudentName(store: Store, modelsDir: string, agent: string): Promise<string> {
  const stem = `${agent.slice(0, 50)}-student`;
  const pending = await pendingStudents(store);
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}-${n}`;
    if (!(await studentNameTaken(store, modelsDir, name, pending))) return name;
  }
}

const UNFINISHED: readonly JobStatus[] = ["queued", "running", "paused"];

/**
 * Student names of the loops not finished yet, with their job ids. Every
 * tenant's loops count, on purpose: a student goes into the one catalog and
 * the one `students` folder that all tenants share, so two tenants' loops
 * must not make one name. Only unfinished jobs are read (one query per
 * status, on the jobs' status index), not every loop ever run.
 */
async function pendingStudents(store: Store): Promise<Map<string, string>> {
  const lists = await Promise.all(
    UNFINISHED.map((status) => store.jobs.list({ kind: DISTILL_JOB_KIND, status })),
  );
  return new Map(lists.flat().map((j) => [String((j.payload as { student?: string }).student), j.id]));
}
