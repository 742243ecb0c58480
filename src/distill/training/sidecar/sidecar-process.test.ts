import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TrainingError } from "../../../spec/students.js";
import { processTable } from "./process-table.js";
import { recordSidecarProcess, SIDECAR_PROCESS_FILE, stopEarlierSidecar } from "./sidecar-process.js";

/**
 * Stopping what an earlier session of a job left running, on real processes:
 * a group that ignores SIGTERM, a group whose leader is gone, a recycled pid
 * (never signalled), a record from another host (refused).
 */
let dir: string;
const started: ChildProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "alambique-sidecar-process-"));
});
afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A detached group: a node process that starts `children` more in its group, each ignoring SIGTERM if told. */
function group(script: { ignoreTerm: boolean; children: number; leaderExits?: boolean }): ChildProcess {
  const body = `${script.ignoreTerm ? "process.on('SIGTERM', () => {});" : ""} setInterval(() => {}, 1000);`;
  const leader = [
    `for (let i = 0; i < ${script.children}; i++) require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(body)}], { stdio: "ignore" });`,
    script.leaderExits ? "setTimeout(() => process.exit(0), 200);" : body,
  ].join("\n");
  const child = spawn(process.execPath, ["-e", leader], { detached: true, stdio: "ignore" });
  started.push(child);
  return child;
}

const members = (pgid: number) => processTable().filter((p) => p.pgid === pgid && p.state !== "Z");

describe("stopEarlierSidecar", () => {
  it("SIGTERMs the recorded group, SIGKILLs what ignores it after the grace, and says so", async () => {
    const leader = group({ ignoreTerm: true, children: 2 });
    recordSidecarProcess(dir, leader.pid!);
    await expect.poll(() => members(leader.pid!).length, { timeout: 10_000 }).toBe(3);
    const notices: string[] = [];
    const t0 = Date.now();
    const stopped = await stopEarlierSidecar(dir, { graceMs: 500, onNotice: (m) => notices.push(m) });
    expect(stopped).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(members(leader.pid!)).toEqual([]);
    expect(notices).toEqual([
      expect.stringMatching(/process group \d+, since .*\) is still running \(3 processes\): stopping it$/),
      expect.stringMatching(/^stopped the trainer command an earlier session of this job started/),
    ]);
    // Nothing is left to stop the next time.
    expect(await stopEarlierSidecar(dir)).toBe(0);
  }, 30_000);

  it("stops the group's children when its leader is already gone", async () => {
    const leader = group({ ignoreTerm: false, children: 1, leaderExits: true });
    recordSidecarProcess(dir, leader.pid!);
    await new Promise((resolve) => leader.on("exit", resolve));
    expect(members(leader.pid!)).toHaveLength(1);
    expect(await stopEarlierSidecar(dir, { graceMs: 2_000 })).toBe(1);
    expect(members(leader.pid!)).toEqual([]);
  }, 30_000);

  it("leaves alone a process that got the recorded pid later (another start)", async () => {
    const other = group({ ignoreTerm: false, children: 0 });
    recordSidecarProcess(dir, other.pid!);
    const file = join(dir, SIDECAR_PROCESS_FILE);
    const record = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify({ ...record, start: "1" }));
    expect(await stopEarlierSidecar(dir, { graceMs: 100 })).toBe(0);
    expect(members(other.pid!)).toHaveLength(1);
  });

  it("refuses a record from another host: it cannot be stopped from here", async () => {
    const file = join(dir, SIDECAR_PROCESS_FILE);
    await writeFile(
      file,
      JSON.stringify({
        pid: 4242,
        pgid: 4242,
        start: "7",
        host: "gpu-box-7",
        startedAt: "2026-12-06T10:00:00Z",
      }),
    );
    const error = await stopEarlierSidecar(dir).catch((e: unknown) => e);
    expect(TrainingError.isInstance(error) && error.reason).toBe("command_still_running");
    expect((error as TrainingError).status).toBe(409);
    expect((error as TrainingError).message).toMatch(/ran on gpu-box-7, not here/);
    expect((error as TrainingError).hint).toBe(
      `Stop it (\`kill -TERM -- -4242\` on gpu-box-7), then delete ${file} and resume the job.`,
    );
  });

  it("does nothing without a record, or with one it cannot read (never a group id of 0 or 1)", async () => {
    const empty = await mkdtemp(join(dir, "empty-"));
    expect(await stopEarlierSidecar(empty)).toBe(0);
    const file = join(empty, SIDECAR_PROCESS_FILE);
    await writeFile(file, "{not json");
    expect(await stopEarlierSidecar(empty)).toBe(0);
    await writeFile(file, JSON.stringify({ pid: 1, pgid: 1, start: "1", host: "x", startedAt: "y" }));
    expect(await stopEarlierSidecar(empty)).toBe(0);
  });
});
