// The CLI from source, for tests that need it in its own process: `node --import tsx cli-entry.ts ARGS`.
import { main } from "../main.js";

process.exitCode = await main(process.argv.slice(2));
