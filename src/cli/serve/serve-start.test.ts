import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";

const demoAgentFile = fileURLToPath(new URL("../../../data/demo/agent.yaml", import.meta.url));

/** What a person sees when `serve` starts, or cannot. */
describe("alambique serve, starting", () => {
  let data: string;

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "alq-serve-start-"));
    const created = await runCli(["agents", "create", "--file", demoAgentFile, "--data", data]);
    expect(created.code, created.stderr).toBe(0);
  }, 60_000);

  it("names a port in use and how to choose another, exit 1, and makes no admin key meanwhile", async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
    const { port } = taken.address() as { port: number };
    try {
      const run = await runCli(["serve", "--port", String(port), "--data", data]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(run.stderr).toContain(`--port ${port + 1}`);
      expect(run.stderr).toContain(`PORT=${port + 1}`);
      expect(run.stderr).not.toContain("unexpected failure");
      expect(run.stderr).not.toContain("shown once");
    } finally {
      await new Promise((done) => taken.close(done));
    }
    const store = await openStore(join(data, "alambique.db"));
    try {
      expect(await store.apiKeys.list((await defaultTenant(store)).id)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("lists the agents it serves and the addresses it answers; the next run says how to make a new admin key", async () => {
    const first = spawnCli(["serve", "--port", "0", "--data", data]);
    const banner = await first.waitFor(/Press Ctrl-C/);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(banner).toContain("shown once");
    expect(banner).not.toContain("with 0 models");
    const base = /serving (http:\/\/\S+)\/v1/.exec(banner)![1]!;
    expect(banner).toContain("agent:la-espiga  (retrieval mode, on the web widget)");
    expect(banner).toContain(`<script src="${base}/widget.js" data-agent="la-espiga"`);
    expect(banner).toContain("server.corsOrigins");
    expect(banner).toContain(`${base}/api/openapi.json`);
    expect(banner).toContain("models: none in the catalog");

    const second = spawnCli(["serve", "--port", "0", "--data", data]);
    const again = await second.waitFor(/Press Ctrl-C/);
    // The addresses it printed are answered.
    const url = /serving (http:\/\/\S+)\/v1/.exec(again)![1]!;
    expect((await fetch(`${url}/widget.js`)).status).toBe(200);
    expect((await fetch(`${url}/api/openapi.json`)).status).toBe(200);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(again).not.toContain("shown once");
    expect(again).toContain("alambique keys create --name admin --scope admin");
  }, 120_000);
});
