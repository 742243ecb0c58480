import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelResolver } from "../../spec/models.js";
import { createServer } from "../create-server.js";
import { FORGED_MODEL, type ForgedServer, startForgedServer } from "../forged-server.fixture.js";

// Every way a request can be wrong gets an OpenAI-shaped error with the right
// status, and a client's mistake is never a 500. In-process (`inject`).

let server: ForgedServer;
beforeAll(async () => {
  server = await startForgedServer();
});
afterAll(() => server.close());

const user = [{ role: "user", content: "hi" }];

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return server.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/json", ...headers },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

describe("OpenAI-shaped errors", () => {
  it("malformed JSON → 400 invalid_json", async () => {
    const res = await post("/v1/chat/completions", '{"model": "x", "messages": [');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message: expect.stringContaining("not valid JSON"),
        type: "invalid_request_error",
        code: "invalid_json",
        param: null,
      },
    });
  });

  it("an empty JSON body → 400", async () => {
    const res = await post("/v1/chat/completions", "");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_json");
  });

  it.each([
    ["messages is not a list", { model: FORGED_MODEL, messages: "hi" }, "messages"],
    ["no messages", { model: FORGED_MODEL, messages: [] }, "messages"],
    [
      "content of the wrong type",
      { model: FORGED_MODEL, messages: [{ role: "user", content: 5 }] },
      "messages[0].content",
    ],
    [
      "an unknown role",
      { model: FORGED_MODEL, messages: [{ role: "wizard", content: "x" }] },
      "messages[0].role",
    ],
    ["no model", { messages: user }, "model"],
    ["n=2", { model: FORGED_MODEL, messages: user, n: 2 }, "n"],
    ["a negative max_tokens", { model: FORGED_MODEL, messages: user, max_tokens: -1 }, "max_tokens"],
    ["stop that is not text", { model: FORGED_MODEL, messages: user, stop: [1] }, "stop[0]"],
    [
      "a json_schema without a name",
      { model: FORGED_MODEL, messages: user, response_format: { type: "json_schema", json_schema: {} } },
      "response_format.json_schema.name",
    ],
    [
      "tool_choice required without tools",
      { model: FORGED_MODEL, messages: user, tool_choice: "required" },
      "tool_choice",
    ],
    [
      "a tool result that answers no call",
      { model: FORGED_MODEL, messages: [...user, { role: "tool", tool_call_id: "call_9", content: "x" }] },
      "messages[1].tool_call_id",
    ],
  ])("%s → 400 naming the param", async (_what, body, param) => {
    const res = await post("/v1/chat/completions", body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error).toMatchObject({ type: "invalid_request_error", param });
    expect(error.message).toMatch(/.{10}/);
    expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it("a body over the limit → 413", async () => {
    const huge = { model: FORGED_MODEL, messages: [{ role: "user", content: "x".repeat(5 * 1024 * 1024) }] };
    const res = await post("/v1/chat/completions", huge);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ type: "invalid_request_error", code: "body_too_large" });
  });

  it("a body that is not JSON → 415 for an unknown type, 400 for text", async () => {
    const xml = await post("/v1/chat/completions", "<chat/>", { "content-type": "application/xml" });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe("unsupported_media_type");
    const text = await post("/v1/chat/completions", "hello", { "content-type": "text/plain" });
    expect(text.statusCode).toBe(400);
  });

  it("an unknown model → 404 model_not_found, and a file path is not a model name", async () => {
    for (const model of ["gpt-9", "/etc/passwd", "../models/x.gguf"]) {
      const res = await post("/v1/chat/completions", { model, messages: user });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({
        type: "invalid_request_error",
        code: "model_not_found",
        param: "model",
      });
    }
    const embeddings = await post("/v1/embeddings", { model: "gpt-9", input: "x" });
    expect(embeddings.statusCode).toBe(404);
    const one = await server.app.inject({ method: "GET", url: "/v1/models/gpt-9" });
    expect(one.statusCode).toBe(404);
    expect(one.json().error.code).toBe("model_not_found");
  });

  it("embedding requests are checked too", async () => {
    const empty = await post("/v1/embeddings", { model: FORGED_MODEL, input: [] });
    expect(empty.json().error.param).toBe("input");
    const tokens = await post("/v1/embeddings", { model: FORGED_MODEL, input: [[1, 2, 3]] });
    expect(tokens.statusCode).toBe(400);
    const dims = await post("/v1/embeddings", { model: FORGED_MODEL, input: "x", dimensions: 3 });
    expect(dims.statusCode).toBe(400);
    expect(dims.json().error.param).toBe("dimensions");
  });

  it.each([false, true])(
    "a prompt longer than the context → 400 context_length_exceeded (stream: %s)",
    async (stream) => {
      const messages = [{ role: "user", content: "hola que tal ".repeat(3000) }];
      const res = await post("/v1/chat/completions", {
        model: FORGED_MODEL,
        messages,
        stream,
        max_tokens: 4,
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.json().error).toMatchObject({
        type: "invalid_request_error",
        code: "context_length_exceeded",
      });
    },
  );

  it("an unknown URL → 404 unknown_url", async () => {
    const res = await post("/v1/completions/legacy", {});
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: "unknown_url", type: "invalid_request_error" });
  });

  it("a failure of our own → 500 with no stack or internal detail", async () => {
    const broken: ModelResolver = {
      languageModel: () => Promise.reject(new Error("boom at /srv/secret/catalog.db")),
      embeddingModel: () => Promise.reject(new Error("boom")),
      list: () => Promise.reject(new Error("boom at /srv/secret/catalog.db")),
    };
    const app = createServer({ models: broken, auth: "disabled" });
    const res = await app.inject({
      method: "GET",
      url: "/v1/models",
      headers: { "x-request-id": "req-500" },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: {
        message: "Something went wrong on our side. Please try again in a moment. (request id: req-500)",
        type: "server_error",
        code: "internal_error",
        param: null,
      },
    });
    await app.close();
  });
});

describe("request ids", () => {
  it("echoes a well-formed x-request-id and makes one up otherwise", async () => {
    const given = await server.app.inject({
      method: "GET",
      url: "/v1/models",
      headers: { "x-request-id": "abc-123" },
    });
    expect(given.headers["x-request-id"]).toBe("abc-123");
    const made = await server.app.inject({
      method: "GET",
      url: "/v1/models",
      headers: { "x-request-id": "bad id\n" },
    });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
