import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateText, stepCountIs } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createRetriever } from "../knowledge/create-retriever.js";
import { ingestSources } from "../knowledge/ingest-sources.js";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { ModelRegistry } from "../models/model-registry.js";
import type { AgentSpec } from "../spec/agent.js";
import type { JsonValue } from "../spec/json.js";
import type { Store } from "../spec/store.js";
import { openStore } from "../store/index.js";
import { AgentRuntime } from "./agent-runtime.js";
import { loadAgentFile } from "./load-agent-file.js";
import { buildAgentTools } from "./tools/build-agent-tools.js";
import { McpConnections } from "./tools/mcp-connections.js";
import { envSecrets, nothingConfirmed } from "./tools/tool-context.js";

const demoAgentFile = fileURLToPath(new URL("../../data/demo/agent.yaml", import.meta.url));

/** The order-status webhook the agent calls: records every body it receives. */
async function orderService(): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      bodies.push(JSON.parse(raw));
      res
        .writeHead(200, { "content-type": "application/json" })
        .end('{"status":"baking","ready_at":"17:30"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/orders/status`,
    bodies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

describe("an agent on a forged model (random weights: the text is nonsense, the mechanics are real)", () => {
  let store: Store;
  let models: ModelRegistry;
  let runtime: AgentRuntime;
  let tenantId: string;
  let agentId: string;
  let spec: AgentSpec;
  let orders: Awaited<ReturnType<typeof orderService>>;

  beforeAll(async () => {
    orders = await orderService();
    store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-model-mode-")), "alambique.db"));
    tenantId = (await store.tenants.create({ slug: "demo", name: "Demo" })).id;
    await store.models.add({
      name: "forged",
      source: `gguf:${await forgedModelPath("tiny", 1)}`,
      architecture: "llama",
      parameterCount: null,
      quantization: null,
      contextLength: 4096,
      licenseId: "apache-2.0",
      licenseUrl: null,
      weightsOpenness: "open",
      dataOpenness: "open",
      codeOpenness: "open",
      outputsMayTrain: true,
      metadata: { threads: 1 },
    });
    const loaded = loadAgentFile(demoAgentFile);
    spec = {
      ...loaded.spec,
      model: "forged",
      tools: loaded.spec.tools.map((t) => (t.type === "webhook" ? { ...t, url: orders.url } : t)),
    };
    agentId = (
      await store.agents.create({
        tenantId,
        name: spec.name,
        spec: spec as unknown as Record<string, JsonValue>,
      })
    ).id;
    await ingestSources({
      store,
      tenantId,
      agentId,
      paths: loaded.knowledgePaths,
      baseDir: join(demoAgentFile, ".."),
    });
    models = new ModelRegistry({ store, llamacpp: { threads: 1 } });
    runtime = new AgentRuntime({ store, models });
  });
  afterAll(async () => {
    await runtime.dispose();
    await models.dispose();
    await store.close();
    await orders.close();
  });

  it("runs a whole turn with the model and its tools, streams it, and persists usage and latency", async () => {
    let streamed = "";
    const turn = await runtime.turn({
      tenantId,
      agent: spec.name,
      externalUserId: "model-1",
      message: "¿Tenéis tarta de queso para el sábado?",
      onDelta: (text) => {
        streamed += text;
      },
    });
    expect(turn.mode === "model" || turn.mode === "retrieval").toBe(true);
    expect(turn.text.length).toBeGreaterThan(0);
    if (turn.mode === "model") expect(streamed.trim()).toBe(turn.text);
    const [, assistant] = await store.messages.list(turn.conversationId);
    expect(assistant?.metadata.latencyMs).toBeGreaterThanOrEqual(0);
    expect(assistant?.metadata.retrievedChunkIds ?? assistant?.metadata.confidence).toBeDefined();
  });

  it("when forced to call the webhook, the webhook receives arguments that match its schema, for every seed", async () => {
    const webhook = spec.tools.find((t) => t.type === "webhook");
    if (webhook?.type !== "webhook") throw new Error("the demo agent has a webhook tool");
    const argumentsSchema = z.fromJSONSchema(webhook.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
    const model = await models.languageModel("forged");
    const tools = await buildAgentTools(
      spec,
      {
        tenantId,
        agentId,
        agent: spec,
        conversationId: null,
        externalUserId: "tool-test",
        store,
        retriever: createRetriever({ store }),
        now: () => new Date(),
        secrets: envSecrets({}),
        dryRun: false,
        confirmed: nothingConfirmed,
      },
      new McpConnections(),
    );
    const before = orders.bodies.length;
    for (let seed = 1; seed <= 8; seed++) {
      const result = await generateText({
        model,
        prompt: "¿Cómo va mi pedido?",
        tools,
        toolChoice: { type: "tool", toolName: webhook.name },
        temperature: 1,
        seed,
        maxOutputTokens: 200,
        stopWhen: stepCountIs(1),
      });
      expect(result.toolCalls.map((c) => c.toolName)).toEqual([webhook.name]);
    }
    const received = orders.bodies.slice(before);
    expect(received).toHaveLength(8);
    for (const body of received)
      expect(argumentsSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
  });
});
