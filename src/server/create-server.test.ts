import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { ModelResolver } from "../spec/models.js";
import { createServer } from "./create-server.js";

const emptyCatalog: ModelResolver = {
  languageModel: () => Promise.reject(new Error("unused")),
  embeddingModel: () => Promise.reject(new Error("unused")),
  list: async () => [],
};

describe("createServer", () => {
  it("logs every line of a request with its id", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = createServer({
      models: emptyCatalog,
      auth: "disabled",
      logger: pino({ level: "info" }, sink),
    });
    await app.inject({ method: "GET", url: "/v1/models", headers: { "x-request-id": "req-42" } });
    await app.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { "x-request-id": "req-43" },
      payload: {},
    });
    await app.close();
    const byRequest = (id: string) => lines.filter((line) => line.reqId === id);
    expect(byRequest("req-42").map((l) => l.msg)).toEqual(["incoming request", "request completed"]);
    // The refusal is logged with the request's id, at info: a client's mistake is not our error.
    expect(byRequest("req-43").some((l) => l.level === 30 && String(l.msg).startsWith("model:"))).toBe(true);
    expect(lines.every((line) => typeof line.reqId === "string" || line.reqId === undefined)).toBe(true);
  });

  it("answers an empty catalog with an empty model list", async () => {
    const app = createServer({ models: emptyCatalog, auth: "disabled" });
    const res = await app.inject({ method: "GET", url: "/v1/models" });
    expect(res.json()).toEqual({ object: "list", data: [] });
    await app.close();
  });
});
