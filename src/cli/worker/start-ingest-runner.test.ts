/**
 * A single `alambique serve` on SQLite runs the uploads queued to it, with no
 * worker process; with `--no-ingest-runner` it leaves them queued for one.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { spawnCli } from "../cli-process.fixture.js";

describe("serve's own ingestion runner", () => {
  it("ingests a queued upload in the serving process; leaves it queued with --no-ingest-runner", async () => {
    const data = mkdtempSync(join(tmpdir(), "alq-serve-ingest-"));
    const store = await openStore(join(data, "alambique.db"));
    await store.agents.create({
      tenantId: (await defaultTenant(store)).id,
      name: "la-espiga",
      spec: { persona: "baker" },
    });
    await store.close();

    const queue = async (base: string, authorization: string) => {
      const form = new FormData();
      form.append(
        "file",
        new Blob(["# Pedidos\n\nLos encargos se recogen a partir de las 9:00.\n"]),
        "pedidos.md",
      );
      const res = await fetch(`${base}/api/agents/la-espiga/knowledge`, {
        method: "POST",
        headers: { authorization, prefer: "respond-async" },
        body: form,
      });
      expect(res.status, await res.clone().text()).toBe(202);
      return `${base}${res.headers.get("location")}`;
    };
    const status = async (url: string, authorization: string) =>
      (await (await fetch(url, { headers: { authorization } })).json()) as {
        status: string;
        report: unknown;
      };

    const serving = spawnCli(["serve", "--port", "0", "--data", data]);
    let authorization: string;
    try {
      const banner = await serving.waitFor(/Press Ctrl-C/, 60_000);
      const base = /serving (http:\/\/\S+)\/v1/.exec(banner)![1]!;
      authorization = `Bearer ${/\b(alq_[A-Za-z0-9_-]+)/.exec(banner)![1]!}`;
      const job = await queue(base, authorization);
      const deadline = Date.now() + 30_000;
      let seen = await status(job, authorization);
      while (seen.status !== "succeeded" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        seen = await status(job, authorization);
      }
      expect(seen).toMatchObject({ status: "succeeded", report: { added: ["pedidos.md"] } });
    } finally {
      serving.child.kill("SIGTERM");
    }
    expect(await serving.exited).toBe(0);

    const quiet = spawnCli(["serve", "--port", "0", "--no-ingest-runner", "--data", data]);
    try {
      const banner = await quiet.waitFor(/Press Ctrl-C/, 60_000);
      const base = /serving (http:\/\/\S+)\/v1/.exec(banner)![1]!;
      const job = await queue(base, authorization);
      // Twice the runner's poll interval: a runner would have claimed it by now.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await status(job, authorization)).toMatchObject({ status: "queued" });
    } finally {
      quiet.child.kill("SIGTERM");
    }
    expect(await quiet.exited).toBe(0);
  }, 120_000);
});
