#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/cli-bundle (built from src/cli by `npm run build`, which `npm install`
// runs; see scripts/bundle-cli.mjs for why a bundle and not tsc's dist/cli/main.js).
import module from "node:module";

// Node ≥ 22.1 keeps compiled code on disk between runs (a later start skips compiling); absent on Node 20, and a
// failure to open the cache is reported in the return value, never thrown.
module.enableCompileCache?.();

let main;
try {
  ({ main } = await import("../dist/cli-bundle/main.js"));
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli-bundle/main.js")) {
    process.stderr.write(
      "error: alambique is not built yet\n  fix: run `npm run build` in the alambique folder\n",
    );
    process.exit(1);
  }
  throw error;
}
process.exitCode = await main(process.argv.slice(2));
