/**
 * Runs a TypeScript fixture from `src/store/__fixtures__` in a child Node
 * process (`node --import tsx`), with its stdout as a stream of lines.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface FixtureProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far. */
  lines: string[];
  /** Resolves with the first line (already read or future) that satisfies `test`; rejects if the process ends first. */
  waitForLine(test: (line: string) => boolean): Promise<string>;
  /** Resolves once the process exited and its stdout is fully read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnFixture(name: string, args: string[]): FixtureProcess {
  const script = fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: repoRoot });
  const lines: string[] = [];
  const watchers: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let pending = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const watcher of watchers.splice(0)) {
        if (watcher.test(line)) watcher.resolve(line);
        else watchers.push(watcher);
      }
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => {
      child.on("close", (code, signal) => resolve({ code, signal, stderr }));
    },
  );
  const waitForLine = (test: (line: string) => boolean) => {
    const seen = lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      watchers.push({ test, resolve });
      void exited.then(({ code, signal, stderr: err }) =>
        reject(new Error(`${name} ended (code ${code}, signal ${signal}) before the expected line:\n${err}`)),
      );
    });
  };
  return { child, lines, waitForLine, exited };
}
