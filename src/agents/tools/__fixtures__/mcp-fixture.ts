/**
 * Starting the fixture MCP server (`mcp-fixture-server.ts`) from tests: a
 * stdio spec that the connection spawns itself, or an HTTP server process the
 * test starts, kills and restarts on the same port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type McpToolSpec, mcpToolSpecSchema } from "../../../spec/agent.js";

export const fixtureServerPath = fileURLToPath(new URL("./mcp-fixture-server.ts", import.meta.url));
/** The repository root: where `--import tsx` resolves. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

type SecretValues = Record<string, string | { secret: string }>;

export interface FixtureSpecOptions {
  name?: string;
  tools?: string[];
  requiresConfirmation?: boolean | string[];
  timeoutMs?: number;
}

export function stdioFixtureSpec(options: FixtureSpecOptions & { env?: SecretValues } = {}): McpToolSpec {
  const { env = {}, ...rest } = options;
  return mcpToolSpecSchema.parse({
    type: "mcp",
    name: "kitchen",
    transport: {
      kind: "stdio",
      command: process.execPath,
      args: ["--import", "tsx", fixtureServerPath, "stdio"],
      env,
      cwd: repoRoot,
    },
    ...rest,
  });
}

export function httpFixtureSpec(
  url: string,
  options: FixtureSpecOptions & { headers?: SecretValues } = {},
): McpToolSpec {
  const { headers = {}, ...rest } = options;
  return mcpToolSpecSchema.parse({
    type: "mcp",
    name: "kitchen",
    transport: { kind: "http", url, headers },
    ...rest,
  });
}

export interface HttpFixture {
  url: string;
  port: number;
  process: ChildProcess;
  /** Waits until the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the HTTP fixture server as a child process; port 0 picks a free one. */
export async function startHttpFixture(port = 0, env: Record<string, string> = {}): Promise<HttpFixture> {
  const child = spawn(process.execPath, ["--import", "tsx", fixtureServerPath, "http", String(port)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const actualPort = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) =>
      reject(new Error(`the HTTP fixture exited (${code}) before listening: ${stderr}`)),
    );
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${actualPort}/mcp`,
    port: actualPort,
    process: child,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Whether a process (a stdio server's) still runs. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
