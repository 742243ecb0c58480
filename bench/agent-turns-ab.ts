/**
 * Two builds of the retrieval-mode turn in one process, side by side: this
 * tree's `AgentRuntime.turn` and retriever against another checkout's (the
 * tree before a change), each on its own fresh store with the demo agent,
 * in alternating batches, so that the machine's load hits both alike.
 *
 *   npx tsx bench/agent-turns-ab.ts --other /path/to/other/tree [--batches 12] [--turns 200] [--concurrency 8]
 *
 * (the other tree needs its node_modules, e.g. a symlink to this one's.) A
 * batch is `--turns` turns from `--concurrency` customers at once (each a new
 * conversation, the demo's 74 questions in turn), then the same questions
 * through the retriever alone (BM25, limit 5). CPU is this process's
 * (`process.cpuUsage()`: JS, GC, SQLite; fsync waits are not CPU). Printed:
 * each side's median CPU per turn and per search, and the median of the
 * per-pair ratios this / other, with their range.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { customerQuestions } from "./agent-turns-customers.js";
import { demoWorld, thisTree } from "./lib/demo-world.js";
import { loadAverage } from "./lib/spread.js";

const { values: args } = parseArgs({
  options: {
    other: { type: "string" },
    batches: { type: "string", default: "12" },
    turns: { type: "string", default: "200" },
    concurrency: { type: "string", default: "8" },
  },
});
if (args.other === undefined) {
  console.error(
    "usage: npx tsx bench/agent-turns-ab.ts --other /path/to/other/tree [--batches 12] [--turns 200]",
  );
  process.exit(2);
}
const batches = Number(args.batches);
const turns = Number(args.turns);
const concurrency = Number(args.concurrency);

interface Side {
  turn(n: number): Promise<unknown>;
  search(n: number): Promise<unknown>;
  close(): Promise<void>;
}

/** The demo agent on a fresh store, built from the tree at `root`'s own modules. */
async function side(root: string, name: string): Promise<Side> {
  const { tenant, agent, runtime, retriever, close } = await demoWorld(root, `ab-${name}`);
  let customer = 0;
  const question = (n: number) => customerQuestions[n % customerQuestions.length]!;
  return {
    turn: (n) =>
      runtime.turn({
        tenantId: tenant.id,
        agent: agent.name,
        externalUserId: `ab-${customer++}`,
        message: question(n),
      }),
    search: (n) =>
      retriever.search({
        tenantId: tenant.id,
        agentId: agent.id,
        query: question(n),
        limit: 5,
        mode: "bm25",
      }),
    close,
  };
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** CPU ms per call of `count` calls, `parallel` at a time. */
async function measure(
  call: (n: number) => Promise<unknown>,
  count: number,
  parallel: number,
): Promise<number> {
  let next = 0;
  const started = cpuMs();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return (cpuMs() - started) / count;
}

const sides = {
  this: await side(thisTree, "this"),
  other: await side(resolve(args.other), "other"),
};
const figures = {
  this: { turn: [] as number[], search: [] as number[] },
  other: { turn: [] as number[], search: [] as number[] },
};
for (const name of ["this", "other"] as const) {
  await measure(sides[name].turn, turns, concurrency); // warm-up: caches, JIT
  await measure(sides[name].search, customerQuestions.length, 1);
}
const loadBefore = loadAverage();
for (let b = 0; b < batches; b++) {
  for (const name of b % 2 === 0 ? (["this", "other"] as const) : (["other", "this"] as const)) {
    figures[name].turn.push(await measure(sides[name].turn, turns, concurrency));
    figures[name].search.push(await measure(sides[name].search, customerQuestions.length * 2, 1));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits: number) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
console.log(
  `load average ${loadBefore} → ${loadAverage()}; ${batches} batches of ${turns} turns at c=${concurrency}`,
);
for (const what of ["turn", "search"] as const) {
  const ratios = figures.this[what].map((ms, i) => ms / figures.other[what][i]!);
  console.log(
    `${what === "turn" ? "CPU per turn  " : "CPU per search"}: this ${spread(figures.this[what], 3)} ms, other ${spread(figures.other[what], 3)} ms, paired ratio ${spread(ratios, 2)}`,
  );
}
await sides.this.close();
await sides.other.close();
