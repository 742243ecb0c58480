import { main } from "./main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (no child process, no build needed). */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = "";
  const err: string[] = [];
  const io = {
    out: (t: string) => (stdout += `${t}\n`),
    write: (t: string) => (stdout += t),
    err: (t: string) => err.push(t),
  };
  const code = await main(argv, io, env);
  return { code, stdout: stdout.replace(/\n$/, ""), stderr: err.join("\n") };
}
