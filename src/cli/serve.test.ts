import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { spawnCli } from "./cli-process.fixture.js";
import { runCli } from "./run-cli.fixture.js";

describe("alambique serve", () => {
  it("serves the catalog over /v1 and stops cleanly on SIGTERM", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-serve-"));
    const gguf = await forgedModelPath("tiny", 1);
    expect((await runCli(["models", "add", "tiny", "--gguf", gguf, "--data", data])).code).toBe(0);
    const cli = spawnCli(["serve", "--port", "0", "--data", data]);
    const banner = await cli.waitFor(/serving (http:\/\/\S+)\/v1/);
    const base = /serving (http:\/\/\S+)\/v1/.exec(banner)![1]!;
    // A fresh data folder: the default tenant's admin key is printed, once.
    expect(banner).toContain("shown once");
    const key = /\b(alq_[A-Za-z0-9_-]+)/.exec(banner)![1]!;
    const authorization = `Bearer ${key}`;
    expect((await fetch(`${base}/v1/models`)).status).toBe(401);
    const models = (await (await fetch(`${base}/v1/models`, { headers: { authorization } })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(["tiny"]);
    const reply = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hola" }], max_tokens: 5 }),
    });
    expect(reply.status, `${await reply.clone().text()}\n${cli.output().stderr}`).toBe(200);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.output().stderr).toContain("stopping");
  }, 60_000);
});
