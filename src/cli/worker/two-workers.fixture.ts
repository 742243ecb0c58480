/**
 * Test fixture for two `alambique worker` processes sharing one job: kill -9
 * the worker holding a job's lease, then
 * wait for the job to end (taken over by the other after the lease expires).
 */
import { expect } from "vitest";
import type { Store } from "../../spec/store.js";
import { until } from "../../testing/until.fixture.js";
import type { spawnCli } from "../cli-process.fixture.js";

type Worker = ReturnType<typeof spawnCli>;

/**
 * Kills (SIGKILL) the worker whose pid is in `holder` (a lease owner,
 * `host:pid:n`), then waits for job `jobId` to succeed or fail. Returns the
 * job as it ended and the worker left alive.
 */
export async function killLeaseHolder(
  store: Pick<Store, "jobs">,
  workers: Worker[],
  holder: string,
  jobId: string,
): Promise<{ done: NonNullable<Awaited<ReturnType<Store["jobs"]["get"]>>>; survivor: Worker }> {
  const pid = Number(holder.split(":").at(-2));
  const victim = workers.find((w) => w.child.pid === pid)!;
  const survivor = workers.find((w) => w !== victim)!;
  expect(victim, `the lease holder ${holder} is one of the two workers`).toBeDefined();
  victim.child.kill("SIGKILL");
  await victim.exited;
  const done = await until(
    async () => {
      const current = await store.jobs.get(jobId);
      return current?.status === "succeeded" || current?.status === "failed" ? current : undefined;
    },
    180_000,
    100,
  );
  return { done, survivor };
}
