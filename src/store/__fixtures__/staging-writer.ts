/**
 * Child process for the staging crash test:
 * `node --import tsx staging-writer.ts URL TENANT AGENT URI`. Stages a new
 * version of source URI and appends chunks to it forever, printing
 * `appended N` (chunks written so far) after each batch's promise resolved.
 * The parent kills it with SIGKILL mid-stream, before any publish.
 */
import { openStore } from "../open-store.js";

const [url, tenantId, agentId, uri] = process.argv.slice(2);
if (!url || !tenantId || !agentId || !uri) throw new Error("usage: staging-writer.ts URL TENANT AGENT URI");
process.stdout.on("error", () => process.exit(3));

const chunk = (ordinal: number) => ({
  ordinal,
  title: null,
  text: `nuevo ${ordinal}: versión a medio escribir del manual`,
  location: `p${ordinal}`,
  metadata: {},
});
const store = await openStore(url);
const batch = 50;
const staged = await store.knowledge.stageSource({
  tenantId,
  agentId,
  uri,
  kind: "pdf",
  contentHash: "h-crashed",
  bytes: 1,
  chunks: Array.from({ length: batch }, (_, i) => chunk(i)),
});
process.stdout.write(`staged ${staged.id}\n`);
for (let at = batch; at < 100_000; at += batch) {
  const chunks = Array.from({ length: batch }, (_, i) => chunk(at + i));
  await store.knowledge.appendChunks({ tenantId, agentId, sourceId: staged.id, chunks });
  process.stdout.write(`appended ${at + batch}\n`);
}
process.exit(2);
