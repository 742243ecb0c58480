/**
 * Test fixture: llama.cpp's own `llama-server`, built from the source
 * node-llama-cpp bundles by `.ci/build-llama-server.sh` (cached outside the
 * repository), serving a forged model on 127.0.0.1 at a free port — a real
 * OpenAI-compatible engine that the tests start and stop.
 *
 * `llamaServerBinary()` finds the binary in `ALAMBIQUE_LLAMA_SERVER`, then in
 * the build script's cache; undefined when neither has it: the remote-engine
 * suites skip then, saying how to build it — unless
 * `ALAMBIQUE_REQUIRE_LLAMA_SERVER` is set (CI), where they fail.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const requireLlamaServer = Boolean(process.env.ALAMBIQUE_REQUIRE_LLAMA_SERVER);

const buildScript = join(dirname(fileURLToPath(import.meta.url)), "../../../.ci/build-llama-server.sh");

export const missingLlamaServer =
  "llama-server is not built: run .ci/build-llama-server.sh (about 6 minutes on 2 cores, cached under " +
  "~/.cache/alambique/llama-server/), or set ALAMBIQUE_LLAMA_SERVER to a llama-server binary";

/** The llama-server binary, or undefined when it has not been built. */
export function llamaServerBinary(): string | undefined {
  const fromEnv = process.env.ALAMBIQUE_LLAMA_SERVER;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  try {
    const path = execFileSync("bash", [buildScript, "--print-path"], { encoding: "utf8" }).trim();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Throws in CI (`ALAMBIQUE_REQUIRE_LLAMA_SERVER`) when the binary is missing; returns whether to skip. */
export function skipWithoutLlamaServer(): boolean {
  const binary = llamaServerBinary();
  if (!binary && requireLlamaServer)
    throw new Error(`ALAMBIQUE_REQUIRE_LLAMA_SERVER is set but ${missingLlamaServer}`);
  if (!binary) console.warn(`skipping the llama-server suites: ${missingLlamaServer}`);
  return !binary;
}

export interface LlamaServerOptions {
  model: string;
  /** Context size in tokens (`-c`). Default 4096. */
  contextSize?: number;
  /** Also serve `/v1/embeddings` (mean pooling). */
  embeddings?: boolean;
  /** Apply the GGUF's Jinja chat template (tools need it). Default true. */
  jinja?: boolean;
  /** The model id the server answers to (`--alias`). Default `forged`. */
  alias?: string;
}

export interface LlamaServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  /** The model id llama-server answers to and lists in `/v1/models` (`--alias`). */
  modelId: string;
  /** What the server printed so far (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts llama-server and waits until `/health` says the model is loaded. Throws with its log when it does not start. */
export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const binary = llamaServerBinary();
  if (!binary) throw new Error(missingLlamaServer);
  const port = await freePort();
  const modelId = options.alias ?? "forged";
  const args = ["-m", options.model, "--alias", modelId, "--host", "127.0.0.1", "--port", String(port)];
  args.push("-t", "1", "-c", String(options.contextSize ?? 4096), "--parallel", "1", "--no-webui");
  if (options.jinja ?? true) args.push("--jinja");
  if (options.embeddings) args.push("--embeddings", "--pooling", "mean");
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const root = `http://127.0.0.1:${port}`;
  const server: LlamaServer = {
    baseURL: `${root}/v1`,
    modelId,
    log: () => log,
    stop: () => stop(child),
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${log}`);
    const healthy = await fetch(`${root}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`llama-server did not become healthy within 60 s:\n${log}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
