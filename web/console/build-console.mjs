#!/usr/bin/env node
// `npm run build:console` (and the end of `npm run build`): builds the owner's console (web/console/) with Vite
// into web/console/dist/, unless that build is already newer than every input, as scripts/build-dist.mjs does for
// dist/ (`npx alambique …` in the clone runs `prepare` on first use; a Vite build is seconds, a time check ~10 ms).
// `--force` always builds.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const stamp = join(here, "dist", ".build-stamp");
// The console's sources, and what it bundles from src/: the agent spec's schema (src/spec).
const inputs = [
  join(here, "src"),
  join(here, "index.html"),
  join(here, "vite.config.ts"),
  join(root, "src", "spec"),
  join(root, "package.json"),
];

/** The newest modification time (ms) under a file or folder. */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (!process.argv.includes("--force") && builtAt > Math.max(...inputs.map(newest))) {
  process.stdout.write("web/console/dist/ is up to date (npm run build:console -- --force rebuilds)\n");
  process.exit(0);
}
const vite = join(root, "node_modules", "vite", "bin", "vite.js");
// NODE_ENV is set for the build: run from a test (vitest sets NODE_ENV=test, which children inherit), Vite would
// otherwise keep `test` and bundle React's development build, twice the size and slower.
const result = spawnSync(process.execPath, [vite, "build", "--config", join(here, "vite.config.ts")], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
