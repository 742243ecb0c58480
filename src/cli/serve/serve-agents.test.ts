import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";

const demoAgentFile = fileURLToPath(new URL("../../../data/demo/agent.yaml", import.meta.url));

describe("alambique serve, operated", () => {
  it("serves agents over /v1 with the configured limits, answers probes and metrics without a key, and stops on SIGTERM", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-serve-ops-"));
    expect((await runCli(["agents", "create", "--file", demoAgentFile, "--data", data])).code).toBe(0);
    const config = join(data, "alambique.yaml");
    writeFileSync(config, "server:\n  limits:\n    requestsPerMinute: 120\n  drainMs: 2000\n");
    const cli = spawnCli(["serve", "--port", "0", "--data", data, "--config", config]);
    const banner = await cli.waitFor(/serving (http:\/\/\S+)\/v1/);
    const base = /serving (http:\/\/\S+)\/v1/.exec(banner)![1]!;
    const authorization = `Bearer ${/\b(alq_[A-Za-z0-9_-]+)/.exec(banner)![1]!}`;

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    const listed = await fetch(`${base}/v1/models`, { headers: { authorization } });
    // The limits of the config file apply.
    expect(listed.headers.get("x-ratelimit-limit-requests")).toBe("120");
    const models = (await listed.json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain("agent:la-espiga");

    const stream = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({
        model: "agent:la-espiga",
        user: "ana",
        stream: true,
        messages: [{ role: "user", content: "¿Hacéis envíos a Benimaclet?" }],
      }),
    });
    const text = await stream.text();
    expect(stream.status, text).toBe(200);
    expect(text).toContain("envios-a-domicilio");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      'alambique_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 1',
    );

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.output().stderr).toContain("stopping");
  });
});
