/**
 * The top costs in a V8 CPU profile (`node --cpu-prof`, `.cpuprofile`), by
 * function: self time (spent in the function's own code) and total time
 * (itself and everything it called, counted once per sample even when it
 * recurses), as shares of the samples that were not idle.
 *
 *   npx tsx bench/lib/cpu-profile-top.ts FILE.cpuprofile [--top 30] [--match src/]
 *
 * `--match` keeps only the functions whose file contains the text (the total
 * table then shows where our own code spends, callees included).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatTable } from "./format-table.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "30" }, match: { type: "string", default: "" } },
});
const file = positionals[0];
if (!file) {
  console.error("npx tsx bench/lib/cpu-profile-top.ts FILE.cpuprofile [--top 30] [--match src/]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const name = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
  return `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
};
const idle = new Set(["(idle)", "(program)", "(garbage collector)"]);
const self = new Map<string, number>();
const total = new Map<string, number>();
let busy = 0;
let gc = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id)!;
  const fn = node.callFrame.functionName;
  if (fn === "(garbage collector)") gc += dt;
  if (idle.has(fn) && fn !== "(garbage collector)") return;
  busy += dt;
  self.set(name(node), (self.get(name(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const key = name(byId.get(at)!);
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + dt);
  }
});

const top = Number(values.top);
const keep = (key: string) => values.match === "" || key.includes(values.match);
const rows = (map: Map<string, number>) =>
  [...map]
    .filter(([key]) => keep(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => [`${((us / busy) * 100).toFixed(1)} %`, `${(us / 1000).toFixed(0)} ms`, key]);
console.log(
  `busy ${(busy / 1000).toFixed(0)} ms (garbage collector ${((gc / busy) * 100).toFixed(1)} % of it)`,
);
console.log(`\nself time:\n${formatTable([["share", "time", "function"], ...rows(self)], [2])}`);
console.log(`\ntotal time:\n${formatTable([["share", "time", "function"], ...rows(total)], [2])}`);
