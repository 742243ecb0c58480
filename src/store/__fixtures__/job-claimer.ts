/**
 * Child process for the cross-process claim test:
 * `node --import tsx job-claimer.ts URL OWNER`. Opens the store, prints
 * `ready`, waits for a line on stdin (so that both claimers start together),
 * then claims `race` jobs until none is left, printing `claimed ID` for each,
 * and `done` at the end.
 */
import { once } from "node:events";
import { openStore } from "../open-store.js";

const [url, owner] = process.argv.slice(2);
if (!url || !owner) throw new Error("usage: job-claimer.ts STORE_URL OWNER");

const store = await openStore(url);
process.stdout.write("ready\n");
await once(process.stdin, "data");
for (;;) {
  const job = await store.jobs.claim({ kinds: ["race"], owner, leaseMs: 60_000 });
  if (!job) break;
  process.stdout.write(`claimed ${job.id}\n`);
}
await store.close();
process.stdout.write("done\n");
process.exit(0);
