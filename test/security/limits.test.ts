import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { corruptIndexPage } from "../../src/doctor/corrupt-store.fixture.js";
import { runDoctor } from "../../src/doctor/run-doctor.js";
import { closedPortUrl } from "../../src/models/openai-compatible/local-http-server.fixture.js";
import { startApiServer } from "../../src/server/api/api-server.fixture.js";
import { createServer } from "../../src/server/create-server.js";
import type { LimitsOptions } from "../../src/server/limits/server-limits.js";
import { gatedModel, instantModel, instantResolver } from "../../src/server/openai/instant-model.fixture.js";
import type { ModelResolver } from "../../src/spec/models.js";
import { openStore } from "../../src/store/open-store.js";

// Issue 10, finding 9 (its limits and operations part): each test fails on the code before the fix.

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

function serve(limits: LimitsOptions, models: ModelResolver): FastifyInstance {
  const app = createServer({ auth: "disabled", models, limits: { requestsPerMinute: 0, ...limits } });
  open.push(app);
  return app;
}

const chat = (model: string) => ({
  method: "POST" as const,
  url: "/v1/chat/completions",
  payload: { model, messages: [{ role: "user", content: "hola" }] },
});

describe("finding 9: limits that hold under concurrency, and probes that tell the truth", () => {
  it("ten concurrent completions against a daily budget that fits one do not together exceed it", async () => {
    // The instant model uses 8 tokens a call: a budget of 10 fits one. Held at its gate, no call has
    // reported any usage when the others are admitted: only a reservation made at admission can count them.
    const gated = gatedModel();
    const app = serve({ dailyTokens: 10 }, instantResolver({ gated: gated.model }));
    const requests = Array.from({ length: 10 }, () => app.inject(chat("gated")));
    await gated.started;
    await new Promise((resolve) => setTimeout(resolve, 50)); // every request has reached its admission
    gated.open();
    const answers = await Promise.all(requests);
    const spent = answers
      .filter((res) => res.statusCode === 200)
      .reduce((sum, res) => sum + (res.json().usage.total_tokens as number), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(10);
    for (const res of answers.filter((r) => r.statusCode !== 200)) {
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe("insufficient_quota");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    }
  });

  it("one tenant flooding a model's queue does not get another tenant's request refused", async () => {
    const gated = gatedModel();
    const server = await startApiServer({
      models: instantResolver({ shared: gated.model }),
      limits: { requestsPerMinute: 0, queue: { concurrency: 1, maxWaiting: 4 } },
    });
    open.push(server);
    const flooder = server.operator.admin;
    const flood = Array.from({ length: 12 }, () => server.call(flooder, chat("shared")));
    await gated.started;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the line is full of the flooder's requests
    const other = server.call(server.other.admin, chat("shared"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gated.open();
    const res = await other;
    expect(res.statusCode, res.body).toBe(200);
    const statuses = (await Promise.all(flood)).map((r) => r.statusCode);
    // The flooder still had its share: one running and most of the line, the rest refused as before.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 429)).toBe(true);
  });

  it("/readyz answers 503 naming the model whose remote engine is down, without its address", async () => {
    const engine = await closedPortUrl();
    const base = instantResolver({ instant: instantModel() });
    const [template] = await base.list();
    const models: ModelResolver = {
      ...base,
      list: async () => [template!, { ...template!, name: "cocina-remota", source: `url:${engine}/v1` }],
    };
    const res = await serve({}, models).inject({ url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: "not_ready",
      models: { ok: false, count: 2, problems: ["cocina-remota: unreachable"] },
    });
    expect(res.body).not.toContain(new URL(engine).host);
  });

  it("doctor reports a store file with a corrupted page as failing, with the fix", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-security-doctor-"));
    const file = join(data, "alambique.db");
    const store = await openStore(file);
    for (let i = 0; i < 300; i++) await store.tenants.create({ slug: `shop-${i}`, name: `Shop ${i}` });
    await store.close();
    // One byte of an index page changes: the page stays well formed, the index no longer matches its table.
    corruptIndexPage(file);
    const report = await runDoctor({ cwd: data, dataDir: data, env: {} });
    const check = report.checks.find((c) => c.id === "store");
    expect(report.ok).toBe(false);
    expect(check?.status, check?.detail).toBe("fail");
    expect(check?.detail).toContain("sqlite_autoindex_tenants_2");
    expect(check?.fix).toBeTruthy();
  });
});
