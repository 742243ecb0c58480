import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerReply, ServerRequest, ServerSide } from "./agent-turns-server.js";

/** A server of bench/agent-turns.ts, running in its child process (see agent-turns-server.ts). */
export interface Server {
  url: string;
  apiKey: string;
  agent: string;
  ask<T extends ServerReply>(request: ServerRequest): Promise<T>;
  sample(gc?: boolean): Promise<Extract<ServerReply, { op: "sample" }>>;
  close(): Promise<void>;
}

/**
 * Forks the child for `side` (from `tree`'s bench/ when given) and waits until it listens. Its replies come in the order of the requests.
 * `execArgv` adds Node/V8 flags to the child's; `env` replaces its environment (default: this one's).
 */
export async function startServer(
  side: ServerSide,
  options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; tree?: string } = {},
): Promise<Server> {
  // `tree`: another checkout's server file (an A/B against the code before a change).
  const file = options.tree
    ? pathToFileURL(join(options.tree, "bench/agent-turns-server.ts"))
    : new URL("./agent-turns-server.ts", import.meta.url);
  const child: ChildProcess = fork(file, [side], {
    execArgv: [...process.execArgv, "--expose-gc", ...(options.execArgv ?? [])],
    env: options.env ?? process.env,
  });
  const next = <T extends ServerReply>() =>
    new Promise<T>((resolve, reject) => {
      const exit = (code: number | null) => reject(new Error(`the ${side} server exited (${code})`));
      child.once("exit", exit);
      child.once("message", (message) => {
        child.off("exit", exit);
        resolve(message as T);
      });
    });
  const ready = await next<Extract<ServerReply, { op: "ready" }>>();
  const ask = <T extends ServerReply>(request: ServerRequest) => {
    const answer = next<T>();
    child.send(request);
    return answer;
  };
  return {
    url: ready.url,
    apiKey: ready.apiKey,
    agent: ready.agent,
    ask,
    sample: (gc = false) => ask({ op: "sample", gc }),
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await ask({ op: "close" });
      await exited;
    },
  };
}
