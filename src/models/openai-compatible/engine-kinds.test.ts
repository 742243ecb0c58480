/**
 * What the provider reads from engines we cannot start here (vLLM, Ollama),
 * from their documented answers served by a real HTTP server on 127.0.0.1,
 * and what it does with an engine that ignores tools. llama-server itself is
 * tested for real in llama-server.test.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { generateText, tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AlambiqueError } from "../../spec/errors.js";
import { createOpenAICompatibleProvider } from "./create-openai-compatible-provider.js";
import { versionAtLeast } from "./engine-info.js";
import { type LocalHttpServer, startLocalHttpServer } from "./local-http-server.fixture.js";

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** An engine answering `routes` by "METHOD path"; chat completions are plain text that ignores tools. */
function engine(routes: Record<string, unknown>, chats: string[] = []) {
  return startLocalHttpServer((req: IncomingMessage, res, _index, body) => {
    const key = `${req.method} ${req.url}`;
    if (key === "POST /v1/chat/completions") {
      chats.push(body);
      return json(res, 200, {
        id: "c",
        object: "chat.completion",
        created: 0,
        model: "m",
        choices: [
          { index: 0, message: { role: "assistant", content: "Your order is fine." }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      });
    }
    if (key in routes) return json(res, 200, routes[key]);
    json(res, 404, { error: { message: "not found" } });
  });
}

const tools = {
  lookup_order: tool({ description: "Find an order.", inputSchema: z.object({ id: z.string() }) }),
};

async function requiredCallError(baseURL: string): Promise<AlambiqueError> {
  const provider = createOpenAICompatibleProvider({ baseURL });
  return generateText({
    model: provider.languageModel("m"),
    tools,
    toolChoice: "required",
    prompt: "Where is my order?",
    maxRetries: 0,
  }).then(
    () => {
      throw new Error("expected tool_call_missing");
    },
    (error: unknown) => error as AlambiqueError,
  );
}

describe("engine detection", () => {
  it("vLLM: recognised by its model list, context from max_model_len", async () => {
    server = await engine({
      "GET /v1/models": { data: [{ id: "m", object: "model", owned_by: "vllm", max_model_len: 8192 }] },
      "GET /version": { version: "0.6.3" },
    });
    const info = await createOpenAICompatibleProvider({ baseURL: `${server.url}/v1` }).engineInfo("m");
    expect(info).toEqual({ kind: "vllm", version: "0.6.3", contextTokens: 8192, constrainsJson: true });
  });

  it("Ollama: recognised by /api/version, context from the model's num_ctx, once per model", async () => {
    server = await engine({
      "GET /v1/models": { data: [{ id: "llama3.1:8b", object: "model", owned_by: "library" }] },
      "GET /api/version": { version: "0.4.7" },
      "POST /api/show": { parameters: 'num_ctx                        8192\nstop "<|eot_id|>"' },
    });
    const provider = createOpenAICompatibleProvider({ baseURL: `${server.url}/v1` });
    const info = await provider.engineInfo("llama3.1:8b");
    expect(info).toEqual({ kind: "ollama", version: "0.4.7", contextTokens: 8192, constrainsJson: false });
    const asked = server.requests;
    await provider.engineInfo("llama3.1:8b");
    expect(server.requests).toBe(asked);
  });

  it("versions: Ollama's dev builds count as recent", () => {
    expect(versionAtLeast("0.5.7", [0, 5])).toBe(true);
    expect(versionAtLeast("0.4.10", [0, 5])).toBe(false);
    expect(versionAtLeast("0.0.0", [0, 5])).toBe(true);
  });
});

describe("a required tool call on an engine that ignores tools", () => {
  it("is retried once as constrained JSON, then refused with tool_call_missing", async () => {
    const chats: string[] = [];
    server = await engine({}, chats);
    const error = await requiredCallError(`${server.url}/v1`);
    expect(error.code).toBe("tool_call_missing");
    expect(error.message).toContain("lookup_order");
    expect(chats).toHaveLength(2);
    const retry = JSON.parse(chats[1]!) as {
      tools?: unknown;
      response_format: { json_schema: { name: string } };
    };
    expect(retry.tools).toBeUndefined();
    expect(retry.response_format.json_schema.name).toBe("tool_call");
  });

  it("is refused at once by an engine known not to constrain output (Ollama before 0.5)", async () => {
    const chats: string[] = [];
    server = await engine({ "GET /api/version": { version: "0.4.7" } }, chats);
    const error = await requiredCallError(`${server.url}/v1`);
    expect(error.code).toBe("tool_call_missing");
    expect(chats).toHaveLength(1);
  });
});

describe("a prompt longer than the engine's context", () => {
  it("vLLM's refusal becomes context_length_exceeded, in the agent's terms", async () => {
    server = await startLocalHttpServer((_req, res) =>
      json(res, 400, {
        object: "error",
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4900 in the messages, 100 in the completion). Please reduce the length of the messages or completion.",
        type: "BadRequestError",
        code: 400,
      }),
    );
    const provider = createOpenAICompatibleProvider({ baseURL: `${server.url}/v1`, retry: { retries: 0 } });
    const error = await generateText({
      model: provider.languageModel("m"),
      prompt: "hi",
      maxRetries: 0,
    }).then(
      () => undefined,
      (e: unknown) => e as AlambiqueError,
    );
    expect(error?.code).toBe("context_length_exceeded");
    expect(error?.message).toMatch(
      /^the prompt is 4900 tokens, but the engine at .* holds 4096 tokens per request/,
    );
  });
});
