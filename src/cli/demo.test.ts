import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnCli } from "./cli-process.fixture.js";
import { runCli } from "./run-cli.fixture.js";

describe("alambique demo (the main job)", () => {
  it("creates the bakery, ingests its knowledge and answers customers in both languages with sources", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-demo-"));
    const run = await runCli(["demo", "--no-serve", "--data", data]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("created agent la-espiga");
    expect(run.stdout).toMatch(/8 added, 0 updated, 0 unchanged, \d+ chunks/);
    expect(run.stdout.match(/Según nuestros documentos/g)?.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout.match(/From our documents/g)?.length).toBeGreaterThanOrEqual(2);
    // Sources are named by file name, never by the path they were added from.
    expect(run.stdout).toContain("Fuente: horarios-y-festivos.md");
    // A second run finds everything in place and re-reads nothing.
    const again = await runCli(["demo", "--no-serve", "--data", data]);
    expect(again.stdout).toMatch(/0 added, 0 updated, 8 unchanged/);
  });

  it("serves the agent over /v1 with the printed admin key, and the order webhook, until SIGTERM", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-demo-serve-"));
    const cli = spawnCli(["demo", "--port", "0", "--data", data]);
    const output = await cli.waitFor(/Serving\. Press Ctrl-C/, 90_000);
    const key = /alq_[A-Za-z0-9_-]+/.exec(output)?.[0];
    const base = /OpenAI-compatible API: (http:\/\/\S+)\/v1/.exec(output)?.[1];
    expect(key).toBeDefined();
    expect(base).toBeDefined();
    const order = await fetch(`${base}/demo/orders/status?order_id=LE-1001`);
    expect(((await order.json()) as { status: string }).status).toBe("ready_for_pickup");
    const unauthorised = await fetch(`${base}/v1/models`);
    expect(unauthorised.status).toBe(401);
    const reply = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "agent:la-espiga",
        user: "t1",
        messages: [{ role: "user", content: "¿Abrís el domingo?" }],
      }),
    });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toContain("Domingo");
    // The bakery's page, with the widget and a chat key that can open visitor sessions and nothing more.
    expect(output).toContain(`The bakery's web page, with the chat widget: ${base}/`);
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('<script src="/widget.js" data-agent="la-espiga"');
    const pageKey = /data-key="(alq_[^"]+)"/.exec(page)?.[1];
    expect(pageKey).toBeDefined();
    const asWidget = { authorization: `Bearer ${pageKey}` };
    expect((await fetch(`${base}/v1/models`, { headers: asWidget })).status).toBe(403);
    expect((await fetch(`${base}/api/tenant`, { headers: asWidget })).status).toBe(403);
    const session = await fetch(`${base}/api/visitor-sessions`, {
      method: "POST",
      headers: { ...asWidget, "content-type": "application/json" },
      body: JSON.stringify({ agent: "la-espiga" }),
    });
    expect(session.status).toBe(201);
    expect((await fetch(`${base}/widget.js`)).status).toBe(200);
    // The owner's console, and a sign-in link whose admin key (in the fragment) is this tenant's.
    expect(output).toContain(`The owner's console:  ${base}/console/`);
    const signIn = new RegExp(`${base}/console/#key=(alq_[\\w-]+)`).exec(output)?.[1];
    expect(signIn).toBeDefined();
    expect(
      (await fetch(`${base}/api/tenant`, { headers: { authorization: `Bearer ${signIn}` } })).status,
    ).toBe(200);
    expect((await fetch(`${base}/console/`)).headers.get("content-type")).toMatch(/^text\/(html|plain)/);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  }, 120_000);
});
