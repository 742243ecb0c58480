/**
 * Child process for the crash test: `node --import tsx crash-writer.ts URL`.
 * Opens the store, seeds one conversation, prints `ready TENANT CONVERSATION`,
 * then appends messages (and every third time a job) forever, printing
 * `message SEQ ID` / `job ID` only after the write's promise resolved. The
 * parent kills it with SIGKILL mid-stream. Stdout to a pipe is synchronous on
 * Linux, and an ack is only written after its write, so every line the parent
 * reads names a write that was acknowledged.
 */
import { openStore } from "../open-store.js";

const url = process.argv[2];
if (!url) throw new Error("usage: crash-writer.ts STORE_URL");
// The parent went away: stop rather than write forever.
process.stdout.on("error", () => process.exit(3));

const store = await openStore(url);
const tenant = await store.tenants.create({ slug: `crash-${process.pid}`, name: "Crash test" });
const agent = await store.agents.create({ tenantId: tenant.id, name: "writer", spec: {} });
const conversation = await store.conversations.create({
  tenantId: tenant.id,
  agentId: agent.id,
  externalUserId: "crash",
});
process.stdout.write(`ready ${tenant.id} ${conversation.id}\n`);

for (let i = 1; i <= 100_000; i += 1) {
  const message = await store.messages.append({
    conversationId: conversation.id,
    role: i % 2 === 0 ? "assistant" : "user",
    content: `message ${i} `.repeat(20),
    metadata: { i },
  });
  process.stdout.write(`message ${message.seq} ${message.id}\n`);
  if (i % 3 === 0) {
    const job = await store.jobs.enqueue({ kind: "crash", tenantId: tenant.id, payload: { i } });
    process.stdout.write(`job ${job.id}\n`);
  }
}
process.exit(2);
