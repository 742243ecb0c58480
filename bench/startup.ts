/**
 * Start-up as a new user meets it (issue 15, item 3), side by side in one run:
 *
 *   npx tsx bench/startup.ts [--rounds 5]
 *
 * - `serve` on a warm data folder (the demo's, made once by `demo --no-serve` in a temporary folder): from spawn
 *   to the first 200 from `/healthz`, against a bare Fastify server started the same way (node, one import, listen);
 * - `npx alambique --version` inside the clone against `node bin/alambique.js --version`: what npx adds (its own
 *   start-up, and on a first run the link into its cache, which runs `npm run build`; see scripts/build-dist.mjs).
 *
 * Rounds are interleaved so that drift in the machine's load hits every side alike; the table prints the median
 * and the range of the rounds, and the median and range of the ratios paired round by round (each round's two
 * sides ran back to back). Target: `serve` ready in under 1 s. Uses the built CLI (`dist/cli-bundle/`, the bundle
 * bin/alambique.js loads), which is what `npx alambique` runs: run `npm run build` first. `--compare-bin OTHER/bin/alambique.js`
 * adds another build's `serve` to the same rounds (before/after a change, measured side by side; repeat it for
 * more builds, each compared with `--bin`'s and run in the order given, in every round); `--bin` measures
 * another build's `serve` in place of the clone's (two snapshots built side by side, while the clone is being edited).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    "compare-bin": { type: "string", multiple: true, default: [] },
    bin: { type: "string" },
  },
});
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error("--rounds takes a positive integer");
  process.exit(2);
}
const root = fileURLToPath(new URL("..", import.meta.url));
const cloneBin = join(root, "bin", "alambique.js");
const bin = args.bin ?? cloneBin;
if (!existsSync(join(root, "dist", "cli-bundle", "main.js"))) {
  console.error("dist/ is not built: run `npm run build` first");
  process.exit(2);
}

const loadBefore = loadAverage();
const work = mkdtempSync(join(tmpdir(), "alq-bench-startup-"));
const bare = join(work, "bare-fastify.mjs");
writeFileSync(
  bare,
  `import Fastify from ${JSON.stringify(join(root, "node_modules", "fastify", "fastify.js"))};
const app = Fastify();
app.get("/healthz", async () => ({ ok: true }));
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });\n`,
);
const demo = spawnSync(process.execPath, [bin, "demo", "--no-serve"], { cwd: work, encoding: "utf8" });
if (demo.status !== 0) throw new Error(`demo --no-serve failed (${demo.status}):\n${demo.stderr}`);

/**
 * Milliseconds from spawn until GET /healthz answers 200, and the CPU the process used until then (user + system,
 * from /proc on Linux; NaN elsewhere): on a loaded machine the wall time mostly measures the wait for a core, the
 * CPU time what start-up itself costs. The process is killed after.
 */
async function readyMs(argv: string[]): Promise<{ wall: number; cpu: number }> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...argv, "--port", String(port)], {
    cwd: work,
    env: { ...process.env, PORT: String(port) },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${argv.join(" ")} exited (${child.exitCode}) before it was ready`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.status === 200) return { wall: performance.now() - started, cpu: cpuMsOf(child.pid) };
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

/** User + system CPU of a live process so far, ms (Linux /proc: fields 14 and 15 of stat, in clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Milliseconds a command takes from spawn to exit, run in the clone. */
function commandMs(command: string, argv: string[]): number {
  const started = performance.now();
  const result = spawnSync(command, argv, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed:\n${result.stderr}`);
  return performance.now() - started;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const samples = {
  serve: [] as number[],
  fastify: [] as number[],
  serveCpu: [] as number[],
  fastifyCpu: [] as number[],
  others: args["compare-bin"].map(() => ({ wall: [] as number[], cpu: [] as number[] })),
  npx: [] as number[],
  node: [] as number[],
};
try {
  commandMs("npx", ["alambique", "--version"]); // a first run may link the clone into npx's cache: not timed
  for (let round = 0; round < rounds; round++) {
    const serve = await readyMs([bin, "serve"]);
    const fastify = await readyMs([bare]);
    samples.serve.push(serve.wall);
    samples.serveCpu.push(serve.cpu);
    samples.fastify.push(fastify.wall);
    samples.fastifyCpu.push(fastify.cpu);
    for (const [index, otherBin] of args["compare-bin"].entries()) {
      const other = await readyMs([otherBin, "serve"]);
      samples.others[index]!.wall.push(other.wall);
      samples.others[index]!.cpu.push(other.cpu);
    }
    samples.npx.push(commandMs("npx", ["alambique", "--version"]));
    samples.node.push(commandMs(process.execPath, [cloneBin, "--version"]));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** One line: both sides' medians and ranges, and the median and range of their per-round ratios. */
const row = (name: string, ours: number[], reference: number[], referenceName: string) => {
  const paired = spread(ours.map((value, round) => value / reference[round]!));
  return [
    name,
    formatSpread(spread(ours), 0),
    referenceName,
    formatSpread(spread(reference), 0),
    formatSpread(paired, 2),
  ];
};
console.log(
  formatTable(
    [
      ["measure", "ms", "reference", "reference ms", "ratio (paired by round)"],
      row("serve ready (warm data folder)", samples.serve, samples.fastify, "bare Fastify ready"),
      row("serve CPU until ready", samples.serveCpu, samples.fastifyCpu, "bare Fastify CPU"),
      ...args["compare-bin"].flatMap((otherBin, index) => [
        row("serve ready", samples.serve, samples.others[index]!.wall, `${otherBin} ready`),
        row("serve CPU until ready", samples.serveCpu, samples.others[index]!.cpu, `${otherBin} CPU`),
      ]),
      row("npx alambique --version", samples.npx, samples.node, "node bin/alambique.js"),
    ],
    [0, 2],
  ),
);
const serveMedian = spread(samples.serve).median;
console.log(
  `\nserve ready in under 1 s: ${serveMedian < 1000 ? "yes" : "NO"} (median ${serveMedian.toFixed(0)} ms over ${rounds} rounds)`,
);
console.log(
  `load average ${loadBefore} before, ${loadAverage()} after\nreproduce: npx tsx bench/startup.ts --rounds ${rounds}${args.bin ? ` --bin ${args.bin}` : ""}${args["compare-bin"].map((other) => ` --compare-bin ${other}`).join("")}`,
);
