import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { FORGED_MODEL, type ForgedServer, startForgedServer } from "../forged-server.fixture.js";

// What happens around a stream, over a real socket: a client that leaves stops
// the generation at once, a silent model gets heartbeats, and closing the
// server ends streams still running. The model is the real forged one; the
// wrapper only watches the signal the server hands it (and, for heartbeats,
// holds back its parts for a while, or fails midway).

interface Watched {
  signals: AbortSignal[];
  /** When the provider's stream ended or took a cancellation, in `performance.now()` time. */
  streamEnded: number[];
}

function watch({ delayFirstPartMs = 0, failAfterParts = Number.POSITIVE_INFINITY } = {}): {
  watched: Watched;
  wrapModel: (m: LanguageModelV3) => LanguageModelV3;
} {
  const watched: Watched = { signals: [], streamEnded: [] };
  const wrapModel = (model: LanguageModelV3): LanguageModelV3 => ({
    ...model,
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: model.supportedUrls,
    doGenerate: (options: LanguageModelV3CallOptions) => {
      if (options.abortSignal) watched.signals.push(options.abortSignal);
      return model.doGenerate(options);
    },
    doStream: async (options: LanguageModelV3CallOptions) => {
      if (options.abortSignal) watched.signals.push(options.abortSignal);
      const result = await model.doStream(options);
      const reader = result.stream.getReader();
      let parts = 0;
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (parts === 0 && delayFirstPartMs > 0) await new Promise((r) => setTimeout(r, delayFirstPartMs));
          if (++parts > failAfterParts) {
            controller.enqueue({
              type: "error",
              error: new AlambiqueError("the model crashed", {
                code: "model_crashed" as AlambiqueError["code"],
              }),
            });
            controller.close();
            return reader.cancel();
          }
          if (!done) return controller.enqueue(value);
          watched.streamEnded.push(performance.now());
          controller.close();
        },
        // Resolves once the provider's own stream has taken the cancellation.
        async cancel(reason) {
          await reader.cancel(reason);
          watched.streamEnded.push(performance.now());
        },
      });
      return { ...result, stream };
    },
  });
  return { watched, wrapModel };
}

let server: ForgedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Waits until `condition` holds, polling, for at most `ms`; returns how long it took. */
async function within(ms: number, condition: () => boolean): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - started;
}

const longStory = {
  model: FORGED_MODEL,
  messages: [{ role: "user", content: "Write a very long story." }],
  temperature: 1,
  max_tokens: 3500,
};

async function openStream(baseURL: string, signal: AbortSignal) {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...longStory, stream: true }),
    signal,
  });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return response.body!.getReader();
}

describe("chat completion streams", () => {
  it("abort the generation at once when the client disconnects", async () => {
    const { watched, wrapModel } = watch();
    server = await startForgedServer({ wrapModel });
    const client = new AbortController();
    const reader = await openStream(server.baseURL, client.signal);
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes('"content":"') || text.split("data: ").length < 4) {
      const { value } = await reader.read();
      text += decoder.decode(value);
    }
    client.abort();
    const signal = watched.signals[0]!;
    expect(await within(500, () => signal.aborted)).toBeLessThan(500);
    expect(await within(500, () => watched.streamEnded.length > 0)).toBeLessThan(500);
  });

  it("abort a non-streamed generation when the client disconnects", async () => {
    const { watched, wrapModel } = watch();
    server = await startForgedServer({ wrapModel });
    const client = new AbortController();
    const pending = fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(longStory),
      signal: client.signal,
    }).catch((error: unknown) => error);
    await within(2_000, () => watched.signals.length > 0);
    client.abort();
    expect(((await pending) as Error).name).toBe("AbortError");
    expect(await within(500, () => watched.signals[0]!.aborted)).toBeLessThan(500);
  });

  it("send `: ping` comments while the model is silent, then the chunks and [DONE]", async () => {
    const { wrapModel } = watch({ delayFirstPartMs: 250 });
    server = await startForgedServer({ wrapModel, heartbeatMs: 40 });
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...longStory, max_tokens: 4, stream: true }),
    });
    const body = await response.text();
    const events = body.split("\n\n").filter((e) => e !== "");
    expect(events.filter((e) => e === ": ping").length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)).toBe("data: [DONE]");
    // Pings come only while waiting: the role chunk first, then silence, then the content.
    expect(events[0]).toMatch(/^data: .*"role":"assistant"/);
    expect(events.lastIndexOf(": ping")).toBeLessThan(
      events.findIndex((e) => e.includes('"content":"') && !e.includes('"content":""')),
    );
  });

  it("end streams still running when the server closes", async () => {
    const { watched, wrapModel } = watch();
    server = await startForgedServer({ wrapModel });
    const reader = await openStream(server.baseURL, new AbortController().signal);
    await reader.read();
    const closing = server.close();
    server = undefined;
    const started = performance.now();
    while (!(await reader.read().catch(() => ({ done: true }))).done) {
      // drain what was already sent
    }
    await closing;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(watched.signals[0]?.aborted).toBe(true);
  });

  it("end with an error event, which the openai client raises, when the model fails midway", async () => {
    const { wrapModel } = watch({ failAfterParts: 6 });
    server = await startForgedServer({ wrapModel });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: "x", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: FORGED_MODEL,
      messages: [{ role: "user", content: "Write a very long story." }],
      max_tokens: 50,
      stream: true,
    });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(received.length).toBeGreaterThan(1);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    // Our failure's own words stay in the log: the client reads a polite message, and the code.
    expect((error as Error).message).toMatch(/try again in a moment\. \(request id: [\w-]+\)/);
    expect(error).toMatchObject({
      code: "model_crashed",
      type: "server_error",
    });
  });
});
