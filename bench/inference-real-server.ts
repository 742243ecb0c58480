import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { BenchSide, CallResult } from "./inference-sides.js";
import { startClock } from "./lib/clock.js";

/**
 * llama.cpp's `llama-server` doing our provider's job over HTTP: the same
 * one-message chat (rendered by the server from the GGUF's own template,
 * `--jinja`), streamed (`/v1/chat/completions`, SSE), greedy (temperature 0),
 * at most `maxTokens` tokens. One slot, with the same threads, context size,
 * batch (= micro-batch, as node-llama-cpp sets it) and flash-attention setting
 * as the embedded context; no RAM prompt cache (`--cache-ram 0`: the embedded
 * side has none either).
 *
 * Token counts come from the server's own `timings` (prompt tokens evaluated,
 * tokens predicted); times are the client's wall clock, as for every side.
 * `cache_prompt` follows `reuseCache`: false for a prefill call (the prompt is
 * evaluated from scratch, as after the embedded side's emptied KV cache), true
 * for a decode call (the prompt is found in the slot, but for its last token).
 * CPU time is the server process's (from /proc; Linux only, NaN elsewhere)
 * plus this process's (the HTTP client) over the call.
 */
export interface ServerSettings {
  binary: string;
  model: string;
  threads: number;
  contextSize: number;
  batchSize: number;
  flashAttention: boolean;
}

export interface ServerSide extends BenchSide {
  /** Calls with the KV cache reused (decode) or not (prefill). */
  call(prompt: { text: string }, maxTokens: number, reuseCache?: boolean): Promise<CallResult>;
}

export async function llamaServerSide(settings: ServerSettings): Promise<ServerSide> {
  const port = await freePort();
  const args = [
    ...["-m", settings.model, "--host", "127.0.0.1", "--port", String(port), "--jinja", "--no-webui"],
    ...["-t", String(settings.threads), "-tb", String(settings.threads), "-c", String(settings.contextSize)],
    ...["-b", String(settings.batchSize), "-ub", String(settings.batchSize), "-np", "1", "--cache-ram", "0"],
    ...["-fa", settings.flashAttention ? "on" : "off"],
  ];
  const child = spawn(settings.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const root = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${log}`);
    if (
      await fetch(`${root}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`llama-server did not load the model within 180 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    name: "llama-server (HTTP, stream)",
    async call(prompt, maxTokens, reuseCache = true) {
      const clock = startClock();
      const serverCpu = processCpuMs(child.pid);
      const response = await fetch(`${root}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          messages: [{ role: "user", content: prompt.text }],
          max_tokens: maxTokens,
          temperature: 0,
          stream: true,
          cache_prompt: reuseCache,
        }),
      });
      if (!response.ok || !response.body)
        throw new Error(`llama-server: ${response.status} ${await response.text()}`);
      let text = "";
      let timings: { prompt_n: number; predicted_n: number; cache_n?: number } | undefined;
      let buffered = "";
      const decoder = new TextDecoder();
      for await (const bytes of response.body) {
        buffered += decoder.decode(bytes as Uint8Array, { stream: true });
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf("\n");
          if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
          const chunk = JSON.parse(line.slice(6)) as {
            choices?: { delta?: { content?: string | null } }[];
            timings?: typeof timings;
          };
          text += chunk.choices?.[0]?.delta?.content ?? "";
          if (chunk.timings) timings = chunk.timings;
        }
      }
      const { ms, cpuMs } = clock.stop();
      const serverCpuMs = processCpuMs(child.pid) - serverCpu;
      if (!timings) throw new Error("llama-server sent no timings");
      return {
        ms,
        cpuMs: cpuMs + serverCpuMs,
        promptTokens: timings.prompt_n + (timings.cache_n ?? 0),
        evaluatedPromptTokens: timings.prompt_n,
        outputTokens: timings.predicted_n,
        text,
      };
    },
    dispose: () => stop(child),
  };
}

/** User + system CPU time of a process so far, in milliseconds (clock ticks of 10 ms); NaN off Linux. */
function processCpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15, in 1/100 s
  } catch {
    return Number.NaN;
  }
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
