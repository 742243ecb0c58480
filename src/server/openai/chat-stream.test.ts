import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3, LanguageModelV3StreamPart, LanguageModelV3Usage } from "@ai-sdk/provider";
import type { FastifyInstance } from "fastify";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { AgentRuntime } from "../../agents/agent-runtime.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { createServer } from "../create-server.js";
import { instantResolver } from "./instant-model.fixture.js";

// The one SSE lifecycle of /v1 (`streamChatCompletion`), run with the same cases for both of its sources: a
// catalog model's call and an agent's turn on that model. Real server, real socket, real AgentRuntime on a
// real SQLite store; the model is a scripted `LanguageModelV3` whose timing and failures each case sets.

interface Script {
  /** Silence before the first word, in ms. */
  delayFirstMs?: number;
  /** After this many words, wait until the call is aborted (a model still producing). */
  holdAfter?: number;
  /** After this many words, an `error` part (the engine crashed). */
  failAfter?: number;
}

interface Seen {
  /** Every call's abort signal. */
  signals: AbortSignal[];
}

const USAGE: LanguageModelV3Usage = {
  inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 3, text: 3, reasoning: undefined },
};
const WORDS = ["pan ", "de ", "masa ", "madre "];

function scriptedModel(script: Script, seen: Seen): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "scripted",
    modelId: "scripted",
    supportedUrls: {},
    async doGenerate() {
      return {
        content: [{ type: "text", text: WORDS.join("") }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: USAGE,
        warnings: [],
      };
    },
    async doStream(call) {
      const signal = call.abortSignal ?? new AbortController().signal;
      seen.signals.push(signal);
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async start(controller) {
          try {
            controller.enqueue({ type: "stream-start", warnings: [] });
            controller.enqueue({ type: "text-start", id: "t" });
            if (script.delayFirstMs) await new Promise((r) => setTimeout(r, script.delayFirstMs));
            for (const [i, word] of WORDS.entries()) {
              if (i === script.failAfter) {
                const error = new AlambiqueError("the engine failed", { code: "upstream_error" });
                controller.enqueue({ type: "error", error });
                return controller.close();
              }
              if (i === script.holdAfter) {
                await new Promise((_, reject) => {
                  if (signal.aborted) reject(signal.reason);
                  signal.addEventListener("abort", () => reject(signal.reason), { once: true });
                });
              }
              controller.enqueue({ type: "text-delta", id: "t", delta: word });
            }
            controller.enqueue({ type: "text-end", id: "t" });
            controller.enqueue({
              type: "finish",
              finishReason: { unified: "stop", raw: "stop" },
              usage: USAGE,
            });
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
      });
      return { stream };
    },
  };
}

interface Running {
  app: FastifyInstance;
  baseURL: string;
  seen: Seen;
  close(): Promise<void>;
}

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The server with the scripted model as catalog model `scripted`, and agent `shop` answering with it. */
async function start(script: Script, heartbeatMs = 15_000): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), "alq-chat-stream-"));
  const store: Store = await openStore(join(dir, "alambique.db"));
  const tenant = await defaultTenant(store);
  await store.agents.create({
    tenantId: tenant.id,
    name: "shop",
    spec: { name: "shop", persona: "The bakery's assistant.", model: "scripted" },
  });
  const seen: Seen = { signals: [] };
  const models = instantResolver({ scripted: scriptedModel(script, seen) });
  const agents = new AgentRuntime({ store, models });
  const app = createServer({ auth: "disabled", store, models, agents, heartbeatMs });
  await app.listen({ port: 0, host: "127.0.0.1" });
  let closed = false;
  running = {
    app,
    baseURL: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`,
    seen,
    async close() {
      if (!closed) await app.close();
      closed = true;
      await agents.dispose();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return running;
}

const paths = [
  { path: "a model call", model: "scripted" },
  { path: "an agent turn", model: "agent:shop" },
] as const;

function post(server: Running, model: string, extra: object = {}, signal?: AbortSignal) {
  return fetch(`${server.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model,
      user: `customer-${Math.random()}`,
      messages: [{ role: "user", content: "¿Qué pan tenéis hoy?" }],
      stream: true,
      ...extra,
    }),
    ...(signal ? { signal } : {}),
  });
}

const eventsOf = (body: string) => body.split("\n\n").filter((e) => e !== "");
const chunkOf = (event: string) => JSON.parse(event.slice("data: ".length));

/** Waits until `condition` holds, polling, for at most `ms`. */
async function within(ms: number, condition: () => boolean): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Reads a stream's events until one matches. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, match: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!match.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ${match}: ${text}`);
    text += decoder.decode(value);
  }
  return text;
}

describe.each(paths)("the /v1 stream lifecycle, for $path", ({ model }) => {
  it("sends the role chunk, the words, one finish chunk, the usage chunk and [DONE]", async () => {
    const server = await start({});
    const res = await post(server, model, { stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = eventsOf(await res.text());
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map(chunkOf);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(WORDS.join(""));
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0].finish_reason)).toEqual([
      "stop",
    ]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it("sends `: ping` comments while the model is silent", async () => {
    const server = await start({ delayFirstMs: 250 }, 40);
    const events = eventsOf(await (await post(server, model)).text());
    expect(events.filter((e) => e === ": ping").length).toBeGreaterThanOrEqual(3);
    expect(events[0]).toMatch(/^data: .*"role":"assistant"/);
    expect(events.lastIndexOf(": ping")).toBeLessThan(events.findIndex((e) => e.includes('"content":"pan')));
    expect(events.at(-1)).toBe("data: [DONE]");
  });

  it("aborts the model at once when the client disconnects", async () => {
    const server = await start({ holdAfter: 1 });
    const client = new AbortController();
    const reader = (await post(server, model, {}, client.signal)).body!.getReader();
    await readUntil(reader, /"content":"pan/);
    client.abort();
    await within(500, () => server.seen.signals[0]?.aborted === true);
  });

  it("ends with a `length` chunk marked interrupted, then [DONE], when the server shuts down", async () => {
    const server = await start({ holdAfter: 1 });
    const reader = (await post(server, model)).body!.getReader();
    let text = await readUntil(reader, /"content":"pan/);
    const closing = server.app.close();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await closing;
    const events = eventsOf(text);
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(chunkOf(events.at(-2)!).choices[0]).toMatchObject({
      finish_reason: "length",
      alambique: { interrupted: "server_shutdown" },
    });
    expect(server.seen.signals[0]?.aborted).toBe(true);
  });

  it("ends with an error event, which the openai client raises, when the model fails midway", async () => {
    const server = await start({ failAfter: 2 });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: "none", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model,
      user: "ana",
      messages: [{ role: "user", content: "¿Qué pan tenéis hoy?" }],
      stream: true,
    });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(received[0]).toBe("");
    const raw = eventsOf(await (await post(server, model)).text());
    expect(raw.at(-1)).toMatch(/^data: \{"error":\{/);
    expect(raw).not.toContain("data: [DONE]");
  });
});
