/**
 * A child process for the security suite: the real server (auth required, a
 * real SQLite store in a temporary folder, agents served) on a loopback port,
 * whose only model (`scripted`) calls the tool named by ALQ_TOOL with the
 * arguments in ALQ_ARGUMENTS (JSON) once per turn, then answers "done".
 *
 * It runs apart from the test so that a test can still fail, rather than
 * hang, when a turn blocks the event loop: the test measures this process
 * from outside and kills it. Prints one JSON line on stdout when listening:
 * `{ "port", "admin" }` (the default tenant's admin key: the operator's).
 * `GET /test/event-loop-delay` answers the longest the event loop waited
 * since the last call (ms), measured inside the server.
 */
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { AgentRuntime } from "../../../src/agents/agent-runtime.js";
import { scriptedModel } from "../../../src/agents/tools/__fixtures__/scripted-model.js";
import { createServer } from "../../../src/server/create-server.js";
import { instantResolver } from "../../../src/server/openai/instant-model.fixture.js";
import type { JsonValue } from "../../../src/spec/json.js";
import { defaultTenant } from "../../../src/store/default-tenant.js";
import { openStore } from "../../../src/store/open-store.js";

const toolName = process.env.ALQ_TOOL ?? "check_code";
const input: unknown = JSON.parse(process.env.ALQ_ARGUMENTS ?? "{}");

/** Calls the tool when the turn has no tool result yet; answers once it has. */
const model: LanguageModelV3 = {
  specificationVersion: "v3",
  provider: "test",
  modelId: "scripted",
  supportedUrls: {},
  doGenerate: (options) => stepFor(options.prompt).doGenerate(options),
  doStream: (options) => stepFor(options.prompt).doStream(options),
};

function stepFor(prompt: Parameters<LanguageModelV3["doGenerate"]>[0]["prompt"]) {
  const lastUser = prompt.map((message) => message.role).lastIndexOf("user");
  const answered = prompt.slice(lastUser).some((message) => message.role === "tool");
  return scriptedModel([answered ? { text: "done" } : { toolCalls: [{ toolName, input }] }]);
}

const dir = mkdtempSync(join(tmpdir(), "alq-security-"));
const store = await openStore(join(dir, "alambique.db"));
const tenant = await defaultTenant(store);
const admin = await store.apiKeys.create({ tenantId: tenant.id, name: "admin", scopes: ["admin"] });
const models = instantResolver({ scripted: model });
const agents = new AgentRuntime({ store, models });
const app = createServer({ store, models, agents, uploadDir: join(dir, "uploads") });
// The longest the event loop waited since the last read (ms): what every request, /healthz included, waited too.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
app.get("/test/event-loop-delay", { config: { access: "public", rateLimit: false } }, async () => {
  const maxMs = loop.max / 1e6;
  loop.reset();
  return { maxMs };
});
// Stores a spec as it is, past the checks `PUT /api/agents` makes: as an agent saved before those checks
// existed, or a tool whose schema an MCP server sends at turn time. What the runtime must survive anyway.
app.put<{ Params: { name: string }; Body: Record<string, JsonValue> }>(
  "/test/agents/:name",
  { config: { access: "admin" } },
  async (request, reply) => {
    const existing = await store.agents.getByName(tenant.id, request.params.name);
    if (existing) await store.agents.update(tenant.id, existing.id, request.body);
    else await store.agents.create({ tenantId: tenant.id, name: request.params.name, spec: request.body });
    if (existing) await agents.forget(existing.id);
    return reply.code(existing ? 200 : 201).send({ ok: true });
  },
);
await app.listen({ port: 0, host: "127.0.0.1" });
const { port } = app.server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ port, admin: admin.secret })}\n`);
