/**
 * Embedded provider: load time and decode speed by thread count, side by side.
 *
 *   npx tsx bench/llamacpp-threads.ts [tiny|small ...]
 *
 * For each forged preset and thread count: a fresh provider loads the model
 * and creates its context (cold), then decodes 200 tokens greedily three
 * times; the table shows the median tokens per second and the ratio to one
 * thread. Run it on the machine you care about: the answer depends on cores.
 */

import type { ForgePresetName } from "../src/models/forge/forge-presets.js";
import { forgedModelPath } from "../src/models/forge/forged-model.fixture.js";
import { createLlamaCpp } from "../src/models/llamacpp/create-llamacpp-provider.js";
import { getLlamaRuntime } from "../src/models/llamacpp/llama-runtime.js";

const TOKENS = 200;
const presets = (
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["tiny", "small"]
) as ForgePresetName[];

const started = performance.now();
const { backend } = await getLlamaRuntime({ gpu: false });
console.log(
  `llama.cpp runtime started in ${(performance.now() - started).toFixed(0)} ms (CPU, ${backend.cpuMathCores} math cores)\n`,
);

const rows: string[][] = [["preset", "threads", "load+context ms", "decode tok/s", "vs 1 thread"]];
for (const preset of presets) {
  const path = await forgedModelPath(preset, 1);
  let baseline = 0;
  for (const threads of [1, 2]) {
    const provider = createLlamaCpp({ threads, gpu: false, contextSize: 1024, sequences: 1 });
    const model = provider.languageModel(path);
    const t0 = performance.now();
    await model.doGenerate({
      prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      maxOutputTokens: 1,
    });
    const loadMs = performance.now() - t0;
    const speeds: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      const result = await model.doGenerate({
        prompt: [{ role: "user", content: [{ type: "text", text: `Tell me a story, take ${run}.` }] }],
        maxOutputTokens: TOKENS,
      });
      speeds.push((result.usage.outputTokens.total ?? 0) / ((performance.now() - t) / 1000));
    }
    await provider.dispose();
    const median = speeds.sort((a, b) => a - b)[1]!;
    if (threads === 1) baseline = median;
    rows.push([
      preset,
      String(threads),
      loadMs.toFixed(0),
      median.toFixed(0),
      `${(median / baseline).toFixed(2)}x`,
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join("  "));
