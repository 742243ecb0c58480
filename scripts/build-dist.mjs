#!/usr/bin/env node
// `npm run build`: compiles src/ into dist/ with tsc, then bundles the CLI into dist/cli-bundle/ with esbuild
// (scripts/bundle-cli.mjs: what bin/alambique.js loads), unless dist/ is already newer than every input.
//
// Why the check: `npx alambique …` inside the clone installs the project into npx's cache as a link to this folder,
// and npm runs `prepare` (this build) for that link on first use. A full tsc build is ~25 s of CPU on these
// machines and an incremental no-op still ~8 s; comparing modification times is ~20 ms. `--force` always builds.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".build-stamp");
const inputs = ["src", "tsconfig.json", "tsconfig.build.json", "package.json", "scripts"];

/** The newest modification time (ms) under a file or folder. */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file changes its folder's time
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const changedAt = Math.max(...inputs.map((input) => newest(join(root, input))));
const bundled = existsSync(join(root, "dist", "cli-bundle", "main.js"));
if (!process.argv.includes("--force") && builtAt > changedAt && bundled) {
  process.stdout.write("dist/ is up to date with src/ (npm run build -- --force rebuilds)\n");
  process.exit(0);
}
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
const { bundleCli } = await import("./bundle-cli.mjs");
await bundleCli();
writeFileSync(stamp, `${new Date().toISOString()}\n`);
