import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.fixture.js";
import { inspectStore, openStore } from "../store/index.js";
import { corruptIndexPage } from "./corrupt-store.fixture.js";
import { runDoctor } from "./run-doctor.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "alq-doctor-"));

describe("doctor", () => {
  it("finds the native parts and a fresh data folder, and creates nothing", async () => {
    const cwd = tempDir();
    const data = join(cwd, "state");
    const report = await runDoctor({ cwd, dataDir: data, env: {} });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(report.ok).toBe(true);
    for (const id of [
      "node",
      "config",
      "better-sqlite3",
      "sqlite-vec",
      "node-llama-cpp",
      "data-dir",
      "store",
    ]) {
      expect(byId[id]?.status, `${id}: ${byId[id]?.detail}`).toBe("ok");
    }
    expect(["ok", "warn"]).toContain(byId.gpu?.status);
    expect(byId["data-dir"]?.detail).toContain("will be created");
    expect(() => readFileSync(join(data, "alambique.db"))).toThrow();
  });

  it("reports a migrated store with its schema version", async () => {
    const data = tempDir();
    const store = await openStore(join(data, "alambique.db"));
    await store.close();
    const report = await runDoctor({ cwd: data, dataDir: data, env: {} });
    const check = report.checks.find((c) => c.id === "store");
    expect(check?.status).toBe("ok");
    expect(check?.detail).toMatch(/sqlite 3\.\d+\.\d+ \(WAL\), schema v\d+, integrity check ok/);
  });

  it("fails, with a fix, on a store file that is not SQLite, and leaves it untouched", async () => {
    const data = tempDir();
    const file = join(data, "alambique.db");
    writeFileSync(file, "not a database\n");
    const run = await runCli(["doctor", "--json", "--data", data], {});
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; fix?: string }[];
    };
    expect(report.ok).toBe(false);
    const store = report.checks.find((c) => c.id === "store");
    expect(store?.status).toBe("fail");
    expect(store?.fix).toBeTruthy();
    expect(readFileSync(file, "utf8")).toBe("not a database\n");
  });

  it("finds an index that no longer matches its table, which the quick check misses, and says how to fix it", async () => {
    const data = tempDir();
    const file = join(data, "alambique.db");
    const store = await openStore(file);
    for (let i = 0; i < 300; i++) await store.tenants.create({ slug: `shop-${i}`, name: `Shop ${i}` });
    await store.close();
    corruptIndexPage(file);
    expect((await inspectStore(file, { check: "quick" })).problems).toEqual([]);
    expect((await inspectStore(file, { check: "full" })).problems.join("\n")).toMatch(
      /missing from index sqlite_autoindex_tenants_2/,
    );

    // A store this small is checked in full by default; `--full` asks for it whatever the size.
    for (const args of [[], ["--full"]]) {
      const run = await runCli(["doctor", "--json", "--data", data, ...args], {});
      expect(run.code).toBe(1);
      const check = (
        JSON.parse(run.stdout) as { checks: { id: string; status: string; detail: string; fix?: string }[] }
      ).checks.find((c) => c.id === "store");
      expect(check?.status).toBe("fail");
      expect(check?.detail).toContain("the integrity check found corruption");
      expect(check?.fix).toContain("REINDEX");
    }
  });

  it("fails on an invalid config and says where", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "alambique.yaml"), "server:\n  port: -1\n");
    const report = await runDoctor({ cwd, env: {} });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === "config")?.detail).toContain("server.port");
  });
});
