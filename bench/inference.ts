/**
 * Inference speed: our embedded provider against node-llama-cpp called directly, side by side.
 *
 *   npx tsx bench/inference.ts [--model PATH | --preset tiny|small|tiny,small] [--threads 1]
 *     [--prompt-tokens 512] [--decode-tokens 256] [--runs 5] [--warmup-calls 50] [--context-size 2048] [--sequences 1]
 *     [--api stream|generate] [--seed 1]
 *   npx tsx bench/inference.ts --shapes real [--models llama-1b-q4_k_m,llama-1b-q8_0,qwen-0.5b-q4_k_m,qwen-0.5b-q8_0]
 *     [--threads 1,2] [--prompt-tokens 128] [--decode-tokens 32] [--runs 3] [--context-size 2048] [--seed 1]
 *
 * `--shapes real` (opt-in: it takes tens of minutes on 2 cores, and forges
 * and quantizes the models once, minutes more) compares the provider with
 * llama.cpp itself at real model shapes: see bench/inference-real.ts. What
 * follows describes the default, `--shapes forged`.
 *
 * Three sides run one loaded copy of the GGUF on one context sequence (the
 * provider loads both; the direct sides borrow them with
 * `provider.acquireSequence`), so threads, context, batch size and memory
 * placement are the same for all, on the CPU:
 * - ours: `createLlamaCpp(...).languageModel(path).doStream` (or doGenerate);
 * - node-llama-cpp LlamaChat: what our provider is built on, used directly;
 * - node-llama-cpp sequence.evaluate: a bare token loop, the floor.
 * All send the same one-message chat rendered by the model's own chat
 * template (our provider always applies it), decode greedily (temperature 0,
 * no repeat penalty) and reuse the KV cache the same way. First every side
 * makes `--warmup-calls` short calls, so that V8 has optimized its
 * JavaScript as in a serving process (cold, our per-call bookkeeping costs
 * twice as much).
 *
 * Each run gives the sides a fresh prompt (a different cut of the forge corpus)
 * and two phases:
 * - prefill: each side in turn, on an emptied KV cache, `maxTokens` 1. Rate =
 *   prompt tokens evaluated / call time, i.e. the time to the first token,
 *   from handing over the prompt;
 * - decode: each side in turn, the same prompt again (now cached but for its
 *   last token), up to `--decode-tokens` tokens. Rate = tokens generated (as
 *   each side counts them) / call time.
 * One warm-up run precedes `--runs` measured runs; the sides' order rotates
 * every run (A B C, B C A, ...). The table shows the median and p90 rates
 * (p90: the rate that 90% of runs reached, from the 90th percentile of call
 * times) and ours / side: the median over runs of the ratio within a run (on
 * a shared VM, speed drifts by more than the 3% measured here over seconds;
 * calls milliseconds apart drift alike).
 *
 * PASS: ours / LlamaChat at or above 0.97 in both phases (exit code 1 on
 * FAIL). LlamaChat is node-llama-cpp's own chat API doing the same job as our
 * provider (chat template, incremental detokenizing, stop triggers), so that
 * ratio is what the provider layer costs. The bare loop is the floor, shown
 * for what LlamaChat's per-token work costs itself: 5–10% of a tiny model's
 * decode, under 1% of the small preset's, nothing next to a real model's.
 * Beside the wall clock, the table gives the process's CPU time per call and
 * the same ratio from it: on a shared machine (load average above the core
 * count, printed before and after) waiting for a core inflates wall times at
 * random, while CPU time still shows what each side costs.
 *
 * Forged models (default preset "small") never emit end-of-generation tokens,
 * so every side produces exactly `--decode-tokens`; with a real model, ours and
 * LlamaChat stop at EOS while sequence.evaluate goes on, and the rates use the
 * real counts.
 */
import { statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { arch, cpus, loadavg, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveChatWrapper } from "node-llama-cpp";
import { forgeModel } from "../src/models/forge/forge-model.js";
import { FORGE_PRESET_NAMES, isForgePresetName } from "../src/models/forge/forge-presets.js";
import { createLlamaCpp, type LlamaCppProvider } from "../src/models/llamacpp/create-llamacpp-provider.js";
import type { SequenceLease } from "../src/models/llamacpp/model-pool.js";
import { buildPrompts } from "./inference-prompts.js";
import { runRealShapes } from "./inference-real.js";
import { REAL_MODELS, realModelName } from "./inference-real-models.js";
import {
  type BenchSide,
  type CallResult,
  type ContextSettings,
  evaluateSide,
  llamaChatSide,
  providerSide,
} from "./inference-sides.js";
import { formatTable } from "./lib/format-table.js";
import { median, percentile } from "./lib/stats.js";
import { llamaCppReferences } from "./llama-cpp-references.js";

const TARGET = 0.97;
/** The side the target applies to: LlamaChat (index in `sides`). */
const REFERENCE = 1;

const { values: args } = parseArgs({
  options: {
    model: { type: "string" },
    preset: { type: "string", default: "small" },
    shapes: { type: "string", default: "forged" },
    models: { type: "string" },
    threads: { type: "string" },
    "prompt-tokens": { type: "string" },
    "decode-tokens": { type: "string" },
    runs: { type: "string" },
    "warmup-calls": { type: "string", default: "50" },
    "context-size": { type: "string", default: "2048" },
    sequences: { type: "string", default: "1" },
    api: { type: "string", default: "stream" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", default: false },
  },
});

if (args.help) {
  console.log(
    "npx tsx bench/inference.ts [--model PATH | --preset tiny|small|tiny,small] [--threads 1] [--prompt-tokens 512]\n" +
      "  [--decode-tokens 256] [--runs 5] [--warmup-calls 50] [--context-size 2048] [--sequences 1] [--api stream|generate] [--seed 1]\n" +
      "npx tsx bench/inference.ts --shapes real [--models llama-1b-q4_k_m,...] [--threads 1,2] [--prompt-tokens 128]\n" +
      "  [--decode-tokens 32] [--runs 3] [--context-size 2048] [--seed 1]   (against llama-server and llama-bench; see bench/inference-real.ts)",
  );
  process.exit(0);
}

if (args.shapes === "real") {
  process.exit((await realShapes()) ? 1 : 0);
} else if (args.shapes !== "forged") throw new Error("--shapes must be forged or real");

/** The option's value (`fallback` when not given); throws unless it is a positive integer. */
function positive(name: keyof typeof args, fallback?: string): number {
  const value = Number(args[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}
const promptTokens = positive("prompt-tokens", "512");
const decodeTokens = positive("decode-tokens", "256");
const runs = positive("runs", "5");
const warmupCalls = Number(args["warmup-calls"]);
if (!Number.isInteger(warmupCalls) || warmupCalls < 0)
  throw new Error("--warmup-calls must be an integer >= 0");
const settings: ContextSettings = {
  threads: positive("threads", "1"),
  contextSize: positive("context-size"),
  sequences: positive("sequences"),
  seed: Number(args.seed),
};
if (!Number.isInteger(settings.seed) || settings.seed < 0) throw new Error("--seed must be an integer >= 0");
if (args.api !== "stream" && args.api !== "generate") throw new Error("--api must be stream or generate");
const api = args.api;
if (promptTokens + decodeTokens >= settings.contextSize) {
  throw new Error(
    `--prompt-tokens + --decode-tokens must stay below --context-size (${settings.contextSize})`,
  );
}
const presets = (args.preset ?? "small").split(",");
for (const preset of presets) {
  if (!isForgePresetName(preset)) throw new Error(`--preset: one of ${FORGE_PRESET_NAMES.join(", ")}`);
}

// One provider for the whole run. The direct sides use the very LlamaModel it loads (same weights in memory:
// separately loaded copies of one file were measured to decode up to 15% apart on this VM, by placement alone).
const provider = createLlamaCpp({
  gpu: false,
  threads: settings.threads,
  contextSize: settings.contextSize,
  sequences: settings.sequences,
});
const backend = await provider.backend();
const command = [
  "npx tsx bench/inference.ts",
  args.model ? `--model ${args.model}` : `--preset ${presets.join(",")}`,
  `--threads ${settings.threads} --prompt-tokens ${promptTokens} --decode-tokens ${decodeTokens} --runs ${runs} --warmup-calls ${warmupCalls}`,
  `--context-size ${settings.contextSize} --sequences ${settings.sequences} --api ${api} --seed ${settings.seed}`,
].join(" ");
console.log(`reproduce: ${command}`);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ${platform()} ${arch()}, ` +
    `Node ${process.version}, node-llama-cpp ${await nodeLlamaCppVersion()}, ` +
    `llama.cpp release ${backend.llamaCppRelease} (${backend.buildType}, CPU, ${backend.cpuMathCores} math cores)`,
);

console.log(`load average before: ${loadAverage()}`);
const loadBefore = loadavg()[0]!;
let failed = false;
if (args.model) failed = (await benchModel(provider, args.model, args.model)) || failed;
else {
  const dir = await mkdtemp(join(tmpdir(), "alambique-bench-"));
  try {
    for (const preset of presets) {
      if (!isForgePresetName(preset)) continue;
      const forged = await forgeModel({ out: join(dir, `${preset}.gguf`), preset, seed: settings.seed });
      const label = `forged "${preset}" (seed ${settings.seed}, ${(forged.parameterCount / 1e6).toFixed(2)} M parameters)`;
      failed = (await benchModel(provider, forged.path, label)) || failed;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
await provider.dispose();
console.log(`\nload average after: ${loadAverage()}`);
if (Math.max(loadavg()[0]!, loadBefore) > cpus().length) {
  console.log(
    `the machine was busy (load above its ${cpus().length} cores): other processes took cores at random moments, ` +
      "so wall-clock rates and their ratios are unreliable; the CPU-time ratios are steadier. Rerun when idle.",
  );
}
process.exitCode = failed ? 1 : 0;

/** `--shapes real`: the provider against llama.cpp itself (bench/inference-real.ts); returns true on FAIL. */
async function realShapes(): Promise<boolean> {
  const names = (args.models ?? REAL_MODELS.map(realModelName).join(",")).split(",");
  const models = names.map((name) => {
    const spec = REAL_MODELS.find((m) => realModelName(m) === name);
    if (!spec) throw new Error(`--models: a list of ${REAL_MODELS.map(realModelName).join(", ")}`);
    return spec;
  });
  const threads = (args.threads ?? "1,2").split(",").map(Number);
  if (!threads.every((t) => Number.isInteger(t) && t >= 1))
    throw new Error("--threads must be a list of positive integers, e.g. 1,2");
  const options = {
    models,
    threads,
    promptTokens: positive("prompt-tokens", "128"),
    decodeTokens: positive("decode-tokens", "32"),
    runs: positive("runs", "3"),
    contextSize: positive("context-size"),
    seed: Number(args.seed),
  };
  if (options.promptTokens + options.decodeTokens >= options.contextSize)
    throw new Error(
      `--prompt-tokens + --decode-tokens must stay below --context-size (${options.contextSize})`,
    );
  const references = llamaCppReferences((line) => console.log(line));
  console.log(
    `reproduce: npx tsx bench/inference.ts --shapes real --models ${names.join(",")} --threads ${threads.join(",")} ` +
      `--prompt-tokens ${options.promptTokens} --decode-tokens ${options.decodeTokens} --runs ${options.runs} ` +
      `--context-size ${options.contextSize} --seed ${options.seed}`,
  );
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, ` +
      `node-llama-cpp ${await nodeLlamaCppVersion()}; llama-server and llama-bench of llama.cpp ${references.commit.slice(0, 12)} ` +
      `(the bundled source, -march=native)\nload average before: ${loadAverage()}`,
  );
  const failed = await runRealShapes({ ...options, references });
  console.log(`\nload average after: ${loadAverage()}`);
  return failed;
}

/** Benchmarks one GGUF file and prints its table; returns true when a ratio misses the target. */
async function benchModel(provider: LlamaCppProvider, path: string, label: string): Promise<boolean> {
  const { model } = await provider.load(path);
  const chatWrapper = resolveChatWrapper(model);
  const prompts = await buildPrompts(model, chatWrapper, promptTokens, runs + 1);
  const borrow = () => provider.acquireSequence(path);
  const sides: BenchSide[] = [
    providerSide(provider, path, settings, api),
    llamaChatSide(chatWrapper, settings, borrow),
    evaluateSide(model, chatWrapper, settings, borrow),
  ];
  const probe = await borrow();
  const batchSize = probe.sequence.context.batchSize;
  probe.release();

  // A serving process runs this code hot: let V8 optimize every side's JavaScript before measuring.
  for (let i = 0; i < warmupCalls; i++)
    for (const side of sides) await side.call(prompts[i % prompts.length]!, 2);

  const prefill = sides.map(() => [] as CallResult[]);
  const decode = sides.map(() => [] as CallResult[]);
  for (let run = 0; run <= runs; run++) {
    const prompt = prompts[run]!;
    const order = sides.map((_, k) => (run + k) % sides.length);
    // Same-phase calls run back to back (milliseconds apart), so that drift on a shared machine hits the
    // sides alike, and every ratio is taken within a run before the median over runs.
    for (const index of order) {
      await clearSequences(borrow, settings.sequences); // every side's prefill starts from an empty cache
      const first = await sides[index]!.call(prompt, 1);
      if (run > 0) prefill[index]!.push(first);
    }
    for (const index of order) {
      // The prompt is cached (but for its last token) from the prefills: each side decodes on the same state.
      const rest = await sides[index]!.call(prompt, decodeTokens);
      if (run > 0) decode[index]!.push(rest);
    }
  }
  for (const side of sides) await side.dispose();

  const rows: string[][] = [
    ["phase", "side", "ms/call", "tok/s", "p90 tok/s", "ours / side", "cpu ms/call", "ours / side (cpu)", ""],
  ];
  const verdicts: string[] = [];
  let failed = false;
  for (const [phase, calls] of [
    ["prefill", prefill],
    ["decode", decode],
  ] as const) {
    const tokens = (c: CallResult) => (phase === "prefill" ? c.evaluatedPromptTokens : c.outputTokens);
    const wall = calls.map((sideCalls) => sideCalls.map((c) => tokens(c) / (c.ms / 1000)));
    const cpu = calls.map((sideCalls) => sideCalls.map((c) => tokens(c) / (c.cpuMs / 1000)));
    const ratios: string[] = [];
    sides.forEach((side, i) => {
      const ratio = median(wall[0]!.map((rate, run) => rate / wall[i]![run]!));
      const cpuRatio = median(cpu[0]!.map((rate, run) => rate / cpu[i]![run]!));
      rows.push([
        phase,
        side.name,
        median(calls[i]!.map((c) => c.ms)).toFixed(2),
        median(wall[i]!).toFixed(0),
        // The 90th percentile of call times is the 10th percentile of rates.
        percentile(wall[i]!, 10).toFixed(0),
        i === 0 ? "" : ratio.toFixed(3),
        median(calls[i]!.map((c) => c.cpuMs)).toFixed(2),
        i === 0 ? "" : cpuRatio.toFixed(3),
        `${median(calls[i]!.map(tokens))} tok/call`,
      ]);
      if (i > 0) {
        ratios.push(`${ratio.toFixed(3)} vs ${side.name.replace("node-llama-cpp ", "")}`);
        if (i === REFERENCE && !(ratio >= TARGET)) failed = true;
      }
    });
    verdicts.push(`${phase} ${ratios.join(", ")}`);
  }

  const texts = decode.map((calls) => calls.map((c) => c.text));
  const sameText = texts.every((sideTexts) => sideTexts.every((text, run) => text === texts[0]![run]));
  const promptLengths = new Set(prefill.flatMap((calls) => calls.map((c) => c.promptTokens)));
  console.log(
    `\nmodel: ${label}: ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB, ${model.fileInfo.metadata.general.architecture}\n` +
      `settings: threads ${settings.threads}, context ${settings.contextSize} x ${settings.sequences} sequence(s), ` +
      `batch ${batchSize} (node-llama-cpp's default for that context), one sequence shared by every side, greedy, no repeat penalty, ` +
      `chat template "${chatWrapper.wrapperName}" on every side\n` +
      `prompt: ${[...promptLengths].join("/")} tokens rendered; decode: up to ${decodeTokens} tokens; ` +
      `${runs} runs after ${warmupCalls} warm-up calls and 1 warm-up run per side, sides interleaved; same answers on every side: ${sameText ? "yes" : "NO"}\n`,
  );
  console.log(formatTable(rows, [0, 1, 8]));
  console.log(
    `\n${failed ? "FAIL" : "PASS"}: ours / LlamaChat (median of per-run tok/s ratios, wall clock) must be >= ${TARGET}: ${verdicts.join("; ")}`,
  );
  return failed;
}

/** Empties the KV cache of every sequence of the shared context (all idle between calls). */
async function clearSequences(borrow: () => Promise<SequenceLease>, count: number): Promise<void> {
  const leases: SequenceLease[] = [];
  for (let i = 0; i < count; i++) leases.push(await borrow());
  for (const lease of leases) {
    await lease.sequence.clearHistory();
    lease.release();
  }
}

async function nodeLlamaCppVersion(): Promise<string> {
  // The package exports no package.json; its entry point is dist/index.js.
  const entry = fileURLToPath(import.meta.resolve("node-llama-cpp"));
  const pkg = JSON.parse(await readFile(join(dirname(entry), "..", "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(" ");
}
