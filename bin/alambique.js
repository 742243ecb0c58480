#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli (built from src/cli by `npm run build`, which `npm install` runs).
let main;
try {
  ({ main } = await import("../dist/cli/main.js"));
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli/main.js")) {
    process.stderr.write(
      "error: alambique is not built yet\n  fix: run `npm run build` in the alambique folder\n",
    );
    process.exit(1);
  }
  throw error;
}
process.exitCode = await main(process.argv.slice(2));
