import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, StoreError } from "../spec/errors.js";
import { openStore, parseStoreUrl } from "./open-store.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-open-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseStoreUrl", () => {
  it("reads paths, sqlite: and file: URLs and :memory:", () => {
    expect(parseStoreUrl(".alambique/alambique.db")).toEqual({
      kind: "sqlite",
      file: ".alambique/alambique.db",
    });
    expect(parseStoreUrl("/var/lib/a.db")).toEqual({ kind: "sqlite", file: "/var/lib/a.db" });
    expect(parseStoreUrl("C:\\data\\a.db")).toEqual({ kind: "sqlite", file: "C:\\data\\a.db" });
    expect(parseStoreUrl("sqlite:data/a.db")).toEqual({ kind: "sqlite", file: "data/a.db" });
    expect(parseStoreUrl("sqlite://data/a.db")).toEqual({ kind: "sqlite", file: "data/a.db" });
    expect(parseStoreUrl("sqlite:///var/lib/a.db")).toEqual({ kind: "sqlite", file: "/var/lib/a.db" });
    expect(parseStoreUrl("file:///var/lib/a%20b.db")).toEqual({ kind: "sqlite", file: "/var/lib/a b.db" });
    expect(parseStoreUrl(":memory:")).toEqual({ kind: "sqlite", file: ":memory:" });
    expect(parseStoreUrl("sqlite::memory:")).toEqual({ kind: "sqlite", file: ":memory:" });
    expect(parseStoreUrl("postgres://u:p@db/alambique")).toEqual({
      kind: "postgres",
      url: "postgres://u:p@db/alambique",
    });
    expect(parseStoreUrl("postgresql://db/alambique")).toEqual({
      kind: "postgres",
      url: "postgresql://db/alambique",
    });
  });

  it("refuses empty URLs and unknown schemes without echoing credentials", () => {
    expect(() => parseStoreUrl("  ")).toThrow(ConfigError);
    expect(() => parseStoreUrl("sqlite:")).toThrow(ConfigError);
    let error: unknown;
    try {
      parseStoreUrl("mysql://root:hunter2@db/x");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('"mysql:"');
    expect((error as ConfigError).message).not.toContain("hunter2");
    expect((error as ConfigError).hint).toContain("sqlite:");
  });
});

describe("openStore", () => {
  it("fails `unavailable` on an unreachable PostgreSQL, naming its URL without the password", async () => {
    const url = "postgres://alambique:secret@127.0.0.1:1/alambique";
    const error = await openStore(url, { connectRetryMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).kind).toBe("unavailable");
    expect((error as StoreError).retryable).toBe(true);
    expect((error as StoreError).message).toContain("postgres://alambique@127.0.0.1:1/alambique");
    expect((error as StoreError).message).not.toContain("secret");
    expect((error as StoreError).hint).toMatch(/DATABASE_URL/);
  });

  it("opens the same file through a path, a sqlite: URL and a file: URL", async () => {
    const file = join(dir, "forms.db");
    const first = await openStore(file);
    const tenant = await first.tenants.create({ slug: "forms", name: "F" });
    await first.close();
    for (const url of [`sqlite:${file}`, `sqlite://${file}`, pathToFileURL(file).href]) {
      const store = await openStore(url);
      expect(await store.tenants.get(tenant.id)).toEqual(tenant);
      await store.close();
    }
  });

  it("gives each :memory: store its own private database", async () => {
    const a = await openStore(":memory:");
    const b = await openStore("sqlite::memory:");
    await a.tenants.create({ slug: "only-in-a", name: "A" });
    expect(await b.tenants.list()).toEqual([]);
    expect((await a.health()).ok).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });
});
