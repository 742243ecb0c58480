import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./__fixtures__/cli-entry.ts", import.meta.url));

/**
 * Runs the CLI from source in a child process (for commands that live until
 * a signal: serve, demo; or that read standard input: chat, given `input`).
 * `waitFor` resolves with stderr once a line matches.
 */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}, options: { input?: string } = {}) {
  // A file, not `-e`: node-llama-cpp re-runs the process's exec arguments to test its binary.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", entry, ...argv], {
    env: { ...process.env, ...env },
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stderr + stdout)) {
        if (child.exitCode !== null)
          throw new Error(`CLI exited (${child.exitCode}) before ${pattern}:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return stderr + stdout;
    },
  };
}
