/**
 * The server side of bench/synth.ts, in its own process (so that its time is
 * not the pipeline's): Alambique's OpenAI-compatible server
 * (src/server/create-server.ts) on a loopback port, serving one model,
 * `instant`, a real LanguageModelV3 that answers with schema-valid JSON at
 * once. Rate limits are off and the generation queue is wide, so the server
 * takes whatever the pipeline sends.
 *
 * Busy time is the union of the intervals during which at least one
 * `/v1/chat/completions` request is in the server (from its arrival to its
 * response), measured here with Fastify's hooks. IPC: the parent sends
 * `{ type: "stats", id }` and gets `{ id, busyMs, requests, atMs }` back, and
 * `{ type: "latency", id, ms }` to make every answer take that long (a model
 * that needs time to generate; 0, the default, is instant).
 */
import type { AddressInfo } from "node:net";
import { instantModel } from "../src/distill/pipeline/instant-model.fixture.js";
import { createServer } from "../src/server/create-server.js";
import { NotFoundError } from "../src/spec/errors.js";
import type { ModelRecord } from "../src/spec/store.js";

let latencyMs = 0;
const model = instantModel({
  modelId: "instant",
  behave: () => (latencyMs > 0 ? { delayMs: latencyMs } : undefined),
});
const record: ModelRecord = {
  name: "instant",
  source: "url:http://127.0.0.1/instant",
  architecture: null,
  parameterCount: null,
  quantization: null,
  contextLength: 131072,
  licenseId: "apache-2.0",
  licenseUrl: null,
  weightsOpenness: "open",
  dataOpenness: null,
  codeOpenness: null,
  outputsMayTrain: true,
  metadata: {},
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
};
const app = createServer({
  auth: "disabled",
  models: {
    languageModel: async (name) => {
      if (name !== "instant") throw new NotFoundError("model", name);
      return model;
    },
    embeddingModel: async (name) => {
      throw new NotFoundError("embedding model", name);
    },
    list: async () => [record],
  },
  limits: { requestsPerMinute: 0, queue: { concurrency: 1024, maxWaiting: 4096 } },
});

let inFlight = 0;
let busySince = 0;
let busyMs = 0;
let requests = 0;
app.addHook("onRequest", async (request) => {
  if (!request.url.startsWith("/v1/chat/completions")) return;
  requests++;
  if (inFlight++ === 0) busySince = performance.now();
});
app.addHook("onResponse", async (request) => {
  if (!request.url.startsWith("/v1/chat/completions")) return;
  if (--inFlight === 0) busyMs += performance.now() - busySince;
});

await app.listen({ port: 0, host: "127.0.0.1" });
const { port } = app.server.address() as AddressInfo;
process.on("message", (message: { type: string; id: number; ms?: number }) => {
  const { id } = message;
  if (message.type === "latency") {
    latencyMs = message.ms ?? 0;
    process.send?.({ type: "latency", id, ms: latencyMs });
  } else if (message.type === "stats") {
    const open = inFlight > 0 ? performance.now() - busySince : 0;
    process.send?.({ type: "stats", id, busyMs: busyMs + open, requests, atMs: performance.now() });
  } else if (message.type === "stop") {
    void app.close().then(() => process.exit(0));
  }
});
process.send?.({ type: "ready", port });
