/**
 * Training throughput: our trainer (llama.cpp's ggml-opt through koffi, in a
 * child process) against llama.cpp's own `llama-finetune`, side by side in one
 * run, on the same model, tokens, windows, context, threads and epochs.
 *
 *   npx tsx bench/train.ts [--preset tiny,small] [--threads 1,2] [--runs 2] [--epochs 3] [--max-windows 48]
 *                          [--reference PATH/TO/llama-finetune | --no-reference] [--no-mask]
 *
 * Each side runs as a fresh process twice, for 1 and for --epochs epochs; the
 * time of an epoch is the difference divided by (epochs − 1), which leaves out what both pay
 * once (starting, loading the model, saving it). Tokens/s is training tokens
 * (train windows × n_ctx) per second of epoch time (training and its
 * validation pass, as both do every epoch). "ours + mask" runs the
 * assistant-only loss hook with every label counted (its worst case; `--no-mask`
 * leaves it out). Our epochs include writing a checkpoint (the reference saves
 * once, at the end): 1.6 MB for tiny, 19 MB for small.
 * Memory: peak RSS of each process, per parameter. The models are forged F32
 * tiny and small; the text is the demo bakery's knowledge (real text).
 * Without --reference, llama-finetune is built from node-llama-cpp's bundled
 * llama.cpp (once). A third side, "finetune on our libs", is the same
 * finetune.cpp linked against node-llama-cpp's prebuilt libraries (the
 * binaries our trainer calls) where the `.ci/build-llama-server.sh` build is
 * there for its headers: ours against it is our loop's cost alone, and it
 * against llama-finetune is what the binaries differ by. `--no-reference` measures our side alone (the ratios are
 * "-"): for a machine where llama-finetune cannot be built in time.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { forgeModel } from "../src/models/forge/forge-model.js";
import type { ForgePresetName } from "../src/models/forge/forge-presets.js";
import { disposeLlamaRuntimes, getLlamaRuntime } from "../src/models/llamacpp/llama-runtime.js";
import { readTrainableBase } from "../src/models/training/trainable-base.js";
import { formatTable } from "./lib/format-table.js";
import { median } from "./lib/stats.js";
import { llamaFinetune, llamaFinetunePrebuilt, nativeLibraries } from "./train-reference.js";
import { referenceWindows, runOurs, runReference, type SideRun, type Workload } from "./train-sides.js";

const { values } = parseArgs({
  options: {
    preset: { type: "string", default: "tiny,small" },
    threads: { type: "string", default: "1,2" },
    runs: { type: "string", default: "1" },
    "max-windows": { type: "string", default: "48" },
    reference: { type: "string" },
    "no-reference": { type: "boolean", default: false },
    "no-mask": { type: "boolean", default: false },
    ctx: { type: "string", default: "256" },
    epochs: { type: "string", default: "3" },
  },
});
const presets = values.preset.split(",") as ForgePresetName[];
const threadCounts = values.threads.split(",").map(Number);
const runs = Number(values.runs);
const nCtx = Number(values.ctx);
/** The long run's epochs: more average out more of a shared machine's bursts (the short run has 1). */
const longEpochs = Number(values.epochs);
if (!Number.isInteger(longEpochs) || longEpochs < 2)
  throw new Error("--epochs must be an integer of at least 2");
const maxWindows = Number(values["max-windows"]);
const log = (line: string) => process.stderr.write(`${line}\n`);

const reference = values["no-reference"] ? null : (values.reference ?? llamaFinetune(log));
/** The same llama-finetune on node-llama-cpp's prebuilt libraries (our engine's binaries), where it can be built. */
const onOurLibraries = values["no-reference"] ? undefined : llamaFinetunePrebuilt(log);
/** The machine's load as /proc/loadavg has it (1, 5, 15 minutes; running/threads): others may share the CPUs. */
const machineLoad = () => {
  try {
    return readFileSync("/proc/loadavg", "utf8").trim();
  } catch {
    return loadavg()
      .map((n) => n.toFixed(2))
      .join(" ");
  }
};
const loadAtStart = machineLoad();
const work = join(tmpdir(), "alambique-bench", "train");
const knowledge = fileURLToPath(new URL("../data/demo/knowledge/", import.meta.url));
const fullText = readdirSync(knowledge)
  .sort()
  .map((file) => readFileSync(join(knowledge, file), "utf8"))
  .join("\n\n");

/** One program measured: how it runs for `epochs` epochs on a workload. */
interface Side {
  name: string;
  run: (w: Workload, epochs: number) => Promise<SideRun>;
}
const native = nativeLibraries();
const sides: Side[] = [
  ...(reference
    ? [{ name: "llama-finetune", run: (w: Workload, e: number) => runReference(reference, w, e) }]
    : []),
  { name: "ours", run: (w, e) => runOurs(w, e, false) },
  ...(native && !values["no-reference"]
    ? [{ name: "ours, native build", run: (w: Workload, e: number) => runOurs(w, e, false, native) }]
    : []),
  ...(onOurLibraries
    ? [
        {
          name: "llama-finetune, prebuilt libs",
          run: (w: Workload, e: number) =>
            runReference(onOurLibraries.binary, w, e, onOurLibraries.libraries),
        },
      ]
    : []),
  ...(values["no-mask"]
    ? []
    : [{ name: "ours + mask", run: (w: Workload, e: number) => runOurs(w, e, true) }]),
];

const rows: string[][] = [
  [
    "preset",
    "threads",
    "windows",
    "side",
    "tok/s",
    "tok/CPU-s",
    "paired vs llama-finetune, wall (range)",
    "by CPU (range)",
    "B/param",
  ],
];
for (const preset of presets) {
  const model = (await forgeModel({ out: join(work, `${preset}-f32.gguf`), preset, f32: true })).path;
  const parameters = (await readTrainableBase(model)).parameterCount;
  // The text cut to what makes `maxWindows` windows, written for llama-finetune, tokenized the same way here.
  const { text, tokens } = await fitText(model, fullText, (maxWindows + 2) * (nCtx / 2));
  const textFile = join(work, `${preset}-text.txt`);
  writeFileSync(textFile, text);
  for (const threads of threadCounts) {
    const w: Workload = { model, textFile, tokens, nCtx, threads, learningRate: 3e-4, valSplit: 0.05 };
    const perEpoch = async (side: Side) => {
      const one = await side.run(w, 1);
      const long = await side.run(w, longEpochs);
      return {
        seconds: (long.seconds - one.seconds) / (longEpochs - 1),
        cpu: (long.cpuSeconds - one.cpuSeconds) / (longEpochs - 1),
        rss: Math.max(one.peakRssBytes, long.peakRssBytes),
        windows: long.trainWindows,
      };
    };
    const measured = sides.map(() => ({ seconds: [] as number[], cpu: [] as number[], rss: 0, windows: 0 }));
    for (let run = 0; run < runs; run++) {
      // Interleaved, so that a change in the machine's load falls on all sides alike, and the order turned
      // every run, so that no side always runs first (a cold cache, a neighbour's burst).
      for (let k = 0; k < sides.length; k++) {
        const i = (run + k) % sides.length;
        const r = await perEpoch(sides[i]!);
        const m = measured[i]!;
        m.seconds.push(r.seconds);
        m.cpu.push(r.cpu);
        m.rss = Math.max(m.rss, r.rss);
        m.windows = r.windows;
      }
      log(
        `${preset} ×${threads} run ${run + 1}: epoch wall/CPU s: ` +
          sides
            .map(
              (side, i) =>
                `${side.name} ${measured[i]!.seconds.at(-1)!.toFixed(2)}/${measured[i]!.cpu.at(-1)!.toFixed(2)}`,
            )
            .join(", ") +
          ` (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
    const windowCounts = new Set(measured.map((m) => m.windows));
    if (windowCounts.size > 1)
      log(`warning: the sides counted different training windows: ${[...windowCounts]}`);
    const trainTokens = referenceWindows(w).train * nCtx;
    const ref = reference ? measured[0] : undefined;
    sides.forEach((side, i) => {
      const m = measured[i]!;
      const pairs = (of: "seconds" | "cpu") => (ref ? m[of].map((value, run) => ref[of][run]! / value) : []);
      rows.push([
        preset,
        String(threads),
        String(referenceWindows(w).train),
        side.name,
        fixed(trainTokens / median(m.seconds), 0),
        fixed(trainTokens / median(m.cpu), 0),
        pairedCell(pairs("seconds")),
        pairedCell(pairs("cpu")),
        fixed(m.rss / parameters, 0),
      ]);
    });
  }
}
await disposeLlamaRuntimes();
console.log(formatTable(rows));
console.log(
  `\nn_ctx ${nCtx}, AdamW lr 3e-4, validation split 0.05; epoch time = (${longEpochs}-epoch run − 1-epoch run) / ${longEpochs - 1}, median of ${runs} run(s); ` +
    "paired: the median over runs of (llama-finetune's epoch time / the side's) in that run, its range in brackets (the target, ours ≥ 0.95, is judged on it); " +
    "tok/CPU-s: per second of the process's CPU time (user + system), which a loaded machine blurs less than wall time; " +
    `${availableParallelism()} CPUs, load (/proc/loadavg) at the start ${loadAtStart}, at the end ${machineLoad()}.\nB/param: peak RSS of the process / parameters ` +
    "(ours includes Node's own ~50 MB).\nReproduce: npx tsx bench/train.ts " +
    process.argv.slice(2).join(" "),
);

/** The median of per-run ratios with their range: what the target is judged on (one run's sides share its load). */
function pairedCell(ratios: number[]): string {
  if (ratios.length === 0 || ratios.some(Number.isNaN)) return "-";
  const low = Math.min(...ratios);
  const high = Math.max(...ratios);
  return `${fixed(median(ratios), 3)} (${fixed(low, 2)}–${fixed(high, 2)})`;
}

/** `value` with `digits` decimals; "-" for a side not measured (NaN). */
function fixed(value: number, digits: number): string {
  return Number.isNaN(value) ? "-" : value.toFixed(digits);
}

/** The longest prefix of `text` (whole lines) whose tokens (BOS + text) are at most `limit`. */
async function fitText(
  model: string,
  text: string,
  limit: number,
): Promise<{ text: string; tokens: Int32Array }> {
  const { llama } = await getLlamaRuntime({ gpu: false });
  const vocab = await llama.loadModel({ modelPath: model, vocabOnly: true });
  try {
    const lines = text.split("\n");
    let kept = lines.length;
    const tokenize = (t: string) => {
      const ids = vocab.tokenize(t, false);
      return Int32Array.from(vocab.tokens.bos === null ? ids : [vocab.tokens.bos, ...ids]);
    };
    let tokens = tokenize(text);
    while (tokens.length > limit && kept > 1) {
      kept = Math.max(1, Math.floor(kept * Math.min(0.98, limit / tokens.length)));
      tokens = tokenize(lines.slice(0, kept).join("\n"));
    }
    return { text: lines.slice(0, kept).join("\n"), tokens };
  } finally {
    await vocab.dispose();
  }
}
