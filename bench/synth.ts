/**
 * The synthetic-data pipeline against a model server: rows per second, the
 * share of wall time the pipeline itself takes, and whether enough
 * concurrency keeps the server busy.
 *
 *   npx tsx bench/synth.ts [--rows 600] [--concurrency 1,8,64] [--steps qa|full] [--latency-ms 50] [--rounds 3]
 *
 * The server is Alambique's own OpenAI-compatible server
 * (src/server/create-server.ts) in a child process on a loopback port
 * (bench/synth-server.ts), fronting an "instant" LanguageModelV3 that answers
 * every call at once with JSON matching the call's schema — or, for the
 * saturation check, after `--latency-ms` (a model that takes time to
 * generate). The engine runs here on the demo bakery (data/demo) in a SQLite
 * store in a temporary folder, and reaches the server through the catalog and
 * the OpenAI-compatible provider, as it would reach vLLM. `--steps qa`: one
 * structured call per row (fixture steps); `full`: the real generation steps
 * of src/distill/steps (questions, Evol rewrites, grounded answers with
 * retrieval, multi-turn conversations). No judge.
 *
 * Measured, side by side in one run:
 * - the engine alone: the same job with rows made in-process by a model-free
 *   step; its time per row is the pipeline's own cost (plan, dispatch,
 *   validation, group commits, checkpoints, dedup, the dataset);
 * - the pipeline through the server at each concurrency, instant and slow:
 *   rows/s, model calls/s, server busy (the share of the generation phase in
 *   which the server holds at least one request, measured in the server
 *   process) and engine share (the engine's cost per row × rows ÷ wall time);
 * - the reference: the same structured calls from a bare AI SDK loop (no
 *   engine, no store) at the highest concurrency.
 * Every job runs once per round, `--rounds` interleaved rounds (the order of
 * the models and the clients turning each round, so that drift in the
 * machine's load hits all alike); each cell is the median over rounds with
 * their range, the load average is printed before, after and per round, and
 * the pipeline's busy share is also given over the bare loop's of the same
 * round (the median of those paired ratios).
 * PASS: the median over rounds of the server's busy share is ≥ 95% at the highest concurrency with the slow model
 * (`--latency-ms`, default 50: a fast engine; a real teacher takes longer).
 * With the instant model the server can only be busy while the client is
 * faster than it, which no client is (the bare AI SDK loop shows the
 * ceiling): that row is reported, not judged. Exit code 1 on FAIL.
 */
import { rmSync } from "node:fs";
import { cpus } from "node:os";
import { defaultSynthSteps } from "../src/distill/pipeline/default-synth-steps.js";
import { enqueueSynthJob } from "../src/distill/pipeline/enqueue-synth-job.js";
import { runSynthJob } from "../src/distill/pipeline/run-synth-job.js";
import type { SynthSteps } from "../src/distill/pipeline/synth-step.js";
import { forgedQaSteps } from "../src/distill/pipeline/synth-test.fixture.js";
import { ModelRegistry } from "../src/models/model-registry.js";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";
import {
  bareClientLoop,
  benchStore,
  modelFreeSteps,
  type ServerStats,
  startBenchServer,
} from "./synth-measure.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const rows = Number(option("rows", "600"));
// Each concurrency once: a repeated one would put two jobs a round into one cell.
const levels = [...new Set(option("concurrency", "1,8,64").split(",").map(Number))];
const stepsKind = option("steps", "qa");
const slowMs = Number(option("latency-ms", "50"));
const rounds = Number(option("rounds", "3"));
const top = Math.max(...levels);
if (
  !(Number.isInteger(rows) && rows > 0) ||
  !(Number.isInteger(rounds) && rounds > 0) ||
  levels.some((n) => !(Number.isInteger(n) && n > 0)) ||
  !(slowMs >= 0) ||
  !["qa", "full"].includes(stepsKind)
) {
  console.error(
    "usage: npx tsx bench/synth.ts [--rows 600] [--concurrency 1,8,64] [--steps qa|full] [--latency-ms 50] [--rounds 3]\n" +
      "(rows, rounds and concurrencies are positive whole numbers)",
  );
  process.exit(2);
}
const command = `npx tsx bench/synth.ts --rows ${rows} --concurrency ${levels.join(",")} --steps ${stepsKind} --latency-ms ${slowMs} --rounds ${rounds}`;

const server = await startBenchServer();
const { dir, store, tenant } = await benchStore(server.port);
const models = new ModelRegistry({ store });
const teacher = await models.languageModel("instant-teacher");
let jobNumber = 0;

console.log(command);
console.log(
  `${cpus().length} cores, load average ${loadAverage()} before; ${rows} rows per job, steps ${stepsKind}, ` +
    `${rounds} interleaved rounds\n`,
);

interface Measured {
  wallS: number;
  /** Planning before the first row, and dedup + dataset after the last. */
  fixedS: number;
  rows: number;
  calls: number;
  genS: number;
  busy: number;
}

async function runJob(
  concurrency: number,
  steps: (payload: Parameters<typeof defaultSynthSteps>[0]) => SynthSteps,
) {
  const { job, payload } = await enqueueSynthJob(store, models, {
    tenantId: tenant.id,
    agent: "la-espiga",
    teacher: "instant-teacher",
    count: rows,
    concurrency,
    seed: ++jobNumber,
    dataset: { name: `bench-${jobNumber}` },
  });
  const mark = async () => ({ at: performance.now(), server: await server.stats() });
  let genStart: Promise<{ at: number; server: ServerStats }> | undefined;
  let genEnd: Promise<{ at: number; server: ServerStats }> | undefined;
  const started = await mark();
  const result = await runSynthJob({
    store,
    models,
    steps: steps(payload),
    jobId: job.id,
    onProgress: (p) => {
      if (p.phase === "generating") genStart ??= mark();
      else genEnd ??= mark();
    },
  });
  const ended = await mark();
  if (result.outcome !== "succeeded")
    throw new Error(`job ${job.id}: ${result.outcome} ${result.error ?? ""}`);
  if (result.report.kept < result.report.rows) {
    const [dropped] = await store.synth.listRows(job.id, { status: "dropped", limit: 1 });
    console.warn(
      `job ${jobNumber}: ${result.report.rows - result.report.kept} rows dropped, e.g. ${dropped?.dropped}: ${dropped?.dropDetail}`,
    );
  }
  const [gs, ge] = [await genStart!, await (genEnd ?? Promise.resolve(ended))];
  return {
    wallS: (ended.at - started.at) / 1000,
    fixedS: (gs.at - started.at + ended.at - ge.at) / 1000,
    rows: result.report.rows,
    calls: ended.server.requests - started.server.requests,
    genS: (ge.at - gs.at) / 1000,
    busy: (ge.server.busyMs - gs.server.busyMs) / (ge.server.atMs - gs.server.atMs),
  } satisfies Measured;
}

async function bare(concurrency: number): Promise<Measured> {
  const s0 = await server.stats();
  const t0 = performance.now();
  await bareClientLoop(teacher, rows, concurrency);
  const wallS = (performance.now() - t0) / 1000;
  const s1 = await server.stats();
  const busy = (s1.busyMs - s0.busyMs) / (s1.atMs - s0.atMs);
  return { wallS, fixedS: 0, rows, calls: s1.requests - s0.requests, genS: wallS, busy };
}

const chosen = (payload: Parameters<typeof defaultSynthSteps>[0]) =>
  stepsKind === "full" ? defaultSynthSteps(payload) : forgedQaSteps();

// The engine alone (warm-up first: the first job pays for JIT and module loading).
await runJob(top, (p) => modelFreeSteps(chosen(p).plan));
const engine = await runJob(top, (p) => modelFreeSteps(chosen(p).plan));
/** The engine's own cost: per row while generating, and once per job (planning, dedup, dataset). */
const engineMsPerRow = (engine.genS * 1000) / engine.rows;
const engineFixedMs = engine.fixedS * 1000;
await runJob(top, chosen);

/** One cell of the table, by model latency and concurrency (`bare` for the AI SDK loop): a figure per round. */
interface Cell {
  rowsPerS: number[];
  callsPerS: number[];
  busy: number[];
  share: number[];
}
const cells = new Map<string, Cell>();
const cell = (key: string) => {
  let c = cells.get(key);
  if (!c) {
    c = { rowsPerS: [], callsPerS: [], busy: [], share: [] };
    cells.set(key, c);
  }
  return c;
};
const latencies = [0, slowMs];
for (let round = 0; round < rounds; round++) {
  // The order turns every round, so that drift in the machine's load falls on every cell alike.
  const forward = round % 2 === 0;
  for (const latency of forward ? latencies : [...latencies].reverse()) {
    await server.setLatency(latency);
    const sides: Array<number | "bare"> = [...levels, "bare"];
    for (const side of forward ? sides : sides.reverse()) {
      if (side === "bare") {
        const reference = await bare(top);
        const c = cell(`${latency}:bare`);
        c.callsPerS.push(reference.calls / reference.wallS);
        c.busy.push(reference.busy);
        continue;
      }
      const m = await runJob(side, chosen);
      const c = cell(`${latency}:${side}`);
      c.rowsPerS.push(m.rows / m.wallS);
      c.callsPerS.push(m.calls / m.genS);
      c.busy.push(m.busy);
      c.share.push((engineMsPerRow * m.rows + engineFixedMs) / (m.wallS * 1000));
    }
  }
  console.log(`round ${round + 1}/${rounds} done; load average ${loadAverage()}`);
}

const table: string[][] = [
  [
    "model",
    "client",
    "concurrency",
    "rows/s",
    "calls/s",
    "server busy",
    "engine share",
    "busy ÷ bare loop's",
  ],
];
const of = (values: number[], digits: number) => (values.length ? formatSpread(spread(values), digits) : "-");
const pcts = (values: number[]) =>
  values.length ? formatSpread(spread(values.map((v) => v * 100)), 1) : "-";
/** The pipeline's busy share over the bare loop's of the same round and latency: the median of per-round ratios. */
const overBare = (latency: number, concurrency: number) => {
  const busy = cell(`${latency}:${concurrency}`).busy;
  const bareBusy = cell(`${latency}:bare`).busy;
  return spread(busy.map((b, round) => b / bareBusy[round]!));
};
for (const latency of latencies) {
  const model = latency === 0 ? "instant" : `${latency} ms/call`;
  for (const concurrency of levels) {
    const c = cell(`${latency}:${concurrency}`);
    table.push([
      model,
      `pipeline (${stepsKind})`,
      String(concurrency),
      of(c.rowsPerS, 1),
      of(c.callsPerS, 0),
      `${pcts(c.busy)} %`,
      `${pcts(c.share)} %`,
      concurrency === top ? formatSpread(overBare(latency, concurrency), 3) : "",
    ]);
  }
  const reference = cell(`${latency}:bare`);
  table.push([
    model,
    "bare AI SDK loop",
    String(top),
    "-",
    of(reference.callsPerS, 0),
    `${pcts(reference.busy)} %`,
    "-",
    "",
  ]);
}

const slowBusy = spread(cell(`${slowMs}:${top}`).busy);
const pass = slowBusy.median >= 0.95;
console.log(formatTable(table, [0, 1]));
console.log(
  "(each cell: the median over rounds, then the rounds' range; busy ÷ bare loop's: the median of per-round ratios)",
);
console.log(
  `\nengine alone: ${(engineMsPerRow * 1000).toFixed(0)} µs per row while generating ` +
    `(${(1000 / engineMsPerRow).toFixed(0)} rows/s) + ${engineFixedMs.toFixed(0)} ms per job for planning, dedup and the dataset ` +
    `(${rows} rows, concurrency ${top}, a model-free step)`,
);
console.log(
  `engine share of the wall time at concurrency ${top}: ${pcts(cell(`0:${top}`).share)} % with the instant model, ` +
    `${pcts(cell(`${slowMs}:${top}`).share)} % with the ${slowMs} ms model`,
);
console.log(
  `${pass ? "PASS" : "FAIL"}: at concurrency ${top} the server was busy ${pcts(cell(`${slowMs}:${top}`).busy)} % of the ` +
    `generation phase with a ${slowMs} ms model, median over ${rounds} rounds (needs >= 95%; ` +
    `${formatSpread(overBare(slowMs, top), 3)}× the bare AI SDK loop's); with the instant model ${pcts(cell(`0:${top}`).busy)} % ` +
    "(a model that costs nothing leaves the server idle whenever the client is busy: compare the bare AI SDK loop)",
);
console.log(`load average ${loadAverage()} after\nreproduce: ${command}`);

await models.dispose();
await store.close();
server.stop();
rmSync(dir, { recursive: true, force: true });
process.exitCode = pass ? 0 : 1;
