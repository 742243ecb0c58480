import { embed, generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { createOpenAICompatibleProvider } from "./create-openai-compatible-provider.js";
import { closedPortUrl, type LocalHttpServer, startLocalHttpServer } from "./local-http-server.fixture.js";

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const retry = { baseDelayMs: 1, retries: 1 };

/** Runs one generation against `baseURL` and returns what it threw. */
async function failure(baseURL: string, options: { apiKeyEnv?: string; env?: Record<string, string> } = {}) {
  const provider = createOpenAICompatibleProvider({ baseURL, retry, ...options });
  return generateText({ model: provider.languageModel("m"), prompt: "hi", maxRetries: 0 }).then(
    () => {
      throw new Error("expected the generation to fail");
    },
    (error: unknown) => error as AlambiqueError,
  );
}

function engine(status: number, contentType: string, body: string) {
  return startLocalHttpServer((_req, res) =>
    res.writeHead(status, { "content-type": contentType }).end(body),
  );
}

describe("createOpenAICompatibleProvider: a wrong or broken engine is named, with what to check", () => {
  it("an unreachable engine", async () => {
    const base = `${await closedPortUrl()}/v1`;
    const error = await failure(base);
    expect(AlambiqueError.isInstance(error)).toBe(true);
    expect(error.code).toBe("engine_unreachable");
    expect(error.message).toContain(`${base}/chat/completions`);
  });

  it("an HTML page (a web server, not an engine)", async () => {
    server = await engine(200, "text/html", "<html><body>Welcome</body></html>");
    const error = await failure(`${server.url}/v1`);
    expect(error.code).toBe("engine_incompatible");
    expect(error.message).toContain("HTML");
    expect(error.hint).toContain("/v1");
  });

  it.each([
    ["plain text (Ollama's root without /v1)", "text/plain", "404 page not found"],
    [
      "JSON without an OpenAI error (a web framework's default)",
      "application/json",
      '{"detail":"Not Found"}',
    ],
  ])("a 404 with %s", async (_what, contentType, body) => {
    server = await engine(404, contentType, body);
    const error = await failure(server.url);
    expect(error.code).toBe("engine_incompatible");
    expect(error.message).toContain(`${server.url}/chat/completions`);
    expect(error.hint).toContain("/v1");
  });

  it("an OpenAI-style 404: the engine is right, the model id is not", async () => {
    server = await engine(
      404,
      "application/json",
      '{"object":"error","message":"The model `m` does not exist."}',
    );
    const error = await failure(`${server.url}/v1`);
    expect(error.code).toBe("engine_model_not_found");
    expect(error.message).toContain('"m"');
    expect(error.hint).toContain("/v1/models");
  });

  it("a refused API key, naming the variable to check", async () => {
    server = await engine(401, "application/json", '{"error":{"message":"bad key"}}');
    const error = await failure(`${server.url}/v1`, { apiKeyEnv: "ENGINE_KEY", env: { ENGINE_KEY: "nope" } });
    expect(error.code).toBe("engine_unauthorized");
    expect(error.hint).toContain("ENGINE_KEY");
  });

  it("a JSON answer that is not a chat completion", async () => {
    server = await engine(200, "application/json", '{"hello":"world"}');
    const error = await failure(`${server.url}/v1`);
    expect(error.code).toBe("engine_incompatible");
  });

  it("an engine that keeps failing, after its retries", async () => {
    server = await engine(503, "application/json", '{"error":{"message":"overloaded"}}');
    const error = await failure(`${server.url}/v1`);
    expect(error).toMatchObject({ code: "engine_failed", status: 502, retryable: true });
    expect(error.message).toContain("overloaded");
    expect(server.requests).toBe(2);
  });

  it("a request the engine refuses stays a client error", async () => {
    server = await engine(400, "application/json", '{"error":{"message":"context too long"}}');
    const error = await failure(`${server.url}/v1`);
    expect(error).toMatchObject({ code: "engine_rejected_request", status: 400 });
    expect(server.requests).toBe(1);
  });
});

describe("createOpenAICompatibleProvider: configuration", () => {
  it("sends the key from the named environment variable, never from config", async () => {
    let authorization: string | undefined;
    server = await startLocalHttpServer((req, res) => {
      authorization = req.headers.authorization;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: [{ embedding: [0.5, 0.25] }], usage: { prompt_tokens: 1 } }));
    });
    const provider = createOpenAICompatibleProvider({
      baseURL: `${server.url}/v1/`,
      apiKeyEnv: "MY_ENGINE_KEY",
      env: { MY_ENGINE_KEY: "sk-local-123" },
    });
    expect(provider.baseURL).toBe(`${server.url}/v1`);
    const { embedding } = await embed({ model: provider.embeddingModel("e"), value: "x", maxRetries: 0 });
    expect(embedding).toEqual([0.5, 0.25]);
    expect(authorization).toBe("Bearer sk-local-123");
  });

  it("refuses an unset key variable and a base URL that is not http(s)", () => {
    expect(() =>
      createOpenAICompatibleProvider({ baseURL: "http://x/v1", apiKeyEnv: "NOPE", env: {} }),
    ).toThrow(expect.objectContaining({ code: "engine_api_key_missing" }));
    expect(() => createOpenAICompatibleProvider({ baseURL: "localhost:8000/v1" })).toThrow(
      expect.objectContaining({ code: "invalid_base_url" }),
    );
  });
});
