/**
 * The server of bench/channels.ts, in its own process (forked), so that its
 * CPU is its own (`process.cpuUsage()`: the load generator and the providers'
 * stand-ins run in the parent). The real `createServer` on a fresh SQLite
 * store in a temporary folder, the demo agent `la-espiga` in retrieval mode
 * (no model) in the operator's tenant (only the operator may point a channel
 * at a stand-in), limits high enough not to refuse the bench's load.
 *
 * Messages from the parent: `cpu` (answers the CPU microseconds so far) and
 * `close`. The first message it sends is `ready`, with its address and keys.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { AgentRuntime } from "../src/agents/agent-runtime.js";
import { seedDemoAgent } from "../src/agents/demo-agent.fixture.js";
import { ModelRegistry } from "../src/models/model-registry.js";
import { createServer } from "../src/server/create-server.js";
import { defaultTenant } from "../src/store/default-tenant.js";
import { openStore } from "../src/store/open-store.js";

export type ChannelsServerReply =
  | { op: "ready"; base: string; admin: string; chat: string; agent: string }
  | { op: "cpu"; micros: number }
  | { op: "closed" };

const dir = mkdtempSync(join(tmpdir(), "alq-bench-channels-"));
const store = await openStore(join(dir, "alambique.db"));
const tenant = await defaultTenant(store);
const { agent } = await seedDemoAgent(store, tenant.id);
const admin = (await store.apiKeys.create({ tenantId: tenant.id, name: "bench", scopes: ["admin"] })).secret;
const chat = (await store.apiKeys.create({ tenantId: tenant.id, name: "widget", scopes: ["chat"] })).secret;
const models = new ModelRegistry({ store });
const agents = new AgentRuntime({ store, models });
const app = createServer({
  store,
  models,
  agents,
  logger: pino({ level: "warn" }, pino.destination("/dev/null")),
  limits: {
    requestsPerMinute: 1e9,
    visitorRequestsPerMinute: 1e9,
    queue: { concurrency: 4, maxWaiting: 256 },
  },
  channels: { secretKey: randomBytes(32).toString("base64") },
});
await app.listen({ port: 0, host: "127.0.0.1" });
const reply = (message: ChannelsServerReply) => process.send!(message);
reply({
  op: "ready",
  base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
  admin,
  chat,
  agent: agent.name,
});

process.on("message", async (message: { op: "cpu" | "close" }) => {
  if (message.op === "cpu") {
    const { user, system } = process.cpuUsage();
    reply({ op: "cpu", micros: user + system });
    return;
  }
  await app.close();
  await agents.dispose();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  reply({ op: "closed" });
  process.exit(0);
});
