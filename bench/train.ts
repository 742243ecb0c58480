/**
 * Training throughput: our trainer (llama.cpp's ggml-opt through koffi, in a
 * child process) against llama.cpp's own `llama-finetune`, side by side in one
 * run, on the same model, tokens, windows, context, threads and epochs.
 *
 *   npx tsx bench/train.ts [--preset tiny,small] [--threads 1,2] [--runs 2] [--max-windows 48]
 *                          [--reference PATH/TO/llama-finetune | --no-reference]
 *
 * Each side runs as a fresh process twice, for 1 and for 3 epochs; the time
 * of an epoch is the difference divided by 2, which leaves out what both pay
 * once (starting, loading the model, saving it). Tokens/s is training tokens
 * (train windows × n_ctx) per second of epoch time (training and its
 * validation pass, as both do every epoch). "ours + mask" runs the
 * assistant-only loss hook with every label counted (its worst case).
 * Memory: peak RSS of each process, per parameter. The models are forged F32
 * tiny and small; the text is the demo bakery's knowledge (real text).
 * Without --reference, llama-finetune is built from node-llama-cpp's bundled
 * llama.cpp (once). `--no-reference` measures our side alone (the ratios are
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
import { llamaFinetune } from "./train-reference.js";
import { referenceWindows, runOurs, runReference, type SideRun, type Workload } from "./train-sides.js";

const { values } = parseArgs({
  options: {
    preset: { type: "string", default: "tiny,small" },
    threads: { type: "string", default: "1,2" },
    runs: { type: "string", default: "1" },
    "max-windows": { type: "string", default: "48" },
    reference: { type: "string" },
    "no-reference": { type: "boolean", default: false },
    ctx: { type: "string", default: "256" },
  },
});
const presets = values.preset.split(",") as ForgePresetName[];
const threadCounts = values.threads.split(",").map(Number);
const runs = Number(values.runs);
const nCtx = Number(values.ctx);
const maxWindows = Number(values["max-windows"]);
const log = (line: string) => process.stderr.write(`${line}\n`);

const reference = values["no-reference"] ? null : (values.reference ?? llamaFinetune(log));
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

const rows: string[][] = [
  [
    "preset",
    "threads",
    "windows",
    "ours tok/s",
    "llama-finetune tok/s",
    "ratio",
    "ours + mask tok/s",
    "ratio",
    "ours tok/CPU-s",
    "ref tok/CPU-s",
    "ratio",
    "ours B/param",
    "ref B/param",
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
    const perEpoch = async (side: (epochs: number) => Promise<SideRun>) => {
      const one = await side(1);
      const three = await side(3);
      return {
        seconds: (three.seconds - one.seconds) / 2,
        cpu: (three.cpuSeconds - one.cpuSeconds) / 2,
        rss: Math.max(one.peakRssBytes, three.peakRssBytes),
        windows: three.trainWindows,
      };
    };
    const ours: number[] = [];
    const ref: number[] = [];
    const masked: number[] = [];
    const cpu = { ours: [] as number[], ref: [] as number[], masked: [] as number[] };
    let rss = { ours: 0, ref: 0 };
    let windows = { ours: 0, ref: 0 };
    for (let run = 0; run < runs; run++) {
      // Interleaved, so that a change in the machine's load falls on all sides alike.
      const r = reference
        ? await perEpoch((e) => runReference(reference, w, e))
        : { seconds: Number.NaN, cpu: Number.NaN, rss: Number.NaN, windows: referenceWindows(w).train };
      const o = await perEpoch((e) => runOurs(w, e, false));
      const m = await perEpoch((e) => runOurs(w, e, true));
      ref.push(r.seconds);
      ours.push(o.seconds);
      masked.push(m.seconds);
      cpu.ours.push(o.cpu);
      cpu.ref.push(r.cpu);
      cpu.masked.push(m.cpu);
      rss = { ours: Math.max(rss.ours, o.rss), ref: Math.max(rss.ref, r.rss) };
      windows = { ours: o.windows, ref: r.windows };
      log(
        `${preset} ×${threads} run ${run + 1}: epoch wall/CPU s: llama-finetune ${r.seconds.toFixed(2)}/${r.cpu.toFixed(2)}, ` +
          `ours ${o.seconds.toFixed(2)}/${o.cpu.toFixed(2)}, ours + mask ${m.seconds.toFixed(2)}/${m.cpu.toFixed(2)} (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
    if (windows.ours !== windows.ref)
      log(`warning: ${windows.ours} training windows here, ${windows.ref} in llama-finetune`);
    const trainTokens = referenceWindows(w).train * nCtx;
    const rate = (seconds: number[]) => trainTokens / median(seconds);
    rows.push([
      preset,
      String(threads),
      String(referenceWindows(w).train),
      fixed(rate(ours), 0),
      fixed(rate(ref), 0),
      fixed(rate(ours) / rate(ref), 3),
      fixed(rate(masked), 0),
      fixed(rate(masked) / rate(ref), 3),
      fixed(rate(cpu.ours), 0),
      fixed(rate(cpu.ref), 0),
      fixed(rate(cpu.ours) / rate(cpu.ref), 3),
      fixed(rss.ours / parameters, 0),
      fixed(rss.ref / parameters, 0),
    ]);
  }
}
await disposeLlamaRuntimes();
console.log(formatTable(rows));
console.log(
  `\nn_ctx ${nCtx}, AdamW lr 3e-4, validation split 0.05; epoch time = (3-epoch run − 1-epoch run) / 2, median of ${runs} run(s); ` +
    "tok/CPU-s: per second of the process's CPU time (user + system), which a loaded machine blurs less than wall time; " +
    `${availableParallelism()} CPUs, load (/proc/loadavg) at the start ${loadAtStart}, at the end ${machineLoad()}.\nB/param: peak RSS of the process / parameters ` +
    "(ours includes Node's own ~50 MB).\nReproduce: npx tsx bench/train.ts " +
    process.argv.slice(2).join(" "),
);

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
