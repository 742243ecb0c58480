import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { StoreError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import { hashApiKeySecret } from "../api-key-secret.js";
import { openStore } from "../open-store.js";
import { describeStoreConformance } from "../store.conformance.js";
import { latestSchemaVersion } from "./migrations.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-sqlite-store-"));
let fileCount = 0;
const newFile = () => join(dir, `store-${++fileCount}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreConformance("sqlite", async () => `sqlite:${newFile()}`);

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

async function withStore<T>(
  file: string,
  use: (store: Store) => Promise<T>,
  busyTimeoutMs?: number,
): Promise<T> {
  const store = await openStore(file, { busyTimeoutMs });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe("sqlite store: files it must refuse", () => {
  it("refuses a file that is not SQLite and leaves its bytes alone", async () => {
    const file = newFile();
    writeFileSync(file, "name,price\nbarra de pan,1.20\n".repeat(200));
    const before = sha256(file);
    const error = await rejection(openStore(file));
    expect(error.kind).toBe("not_a_database");
    expect(error.message).toContain(file);
    expect(error.hint).toBeTruthy();
    expect(sha256(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("refuses a SQLite database that is not an Alambique store, untouched", async () => {
    const file = newFile();
    const other = new Database(file);
    other.exec(
      "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)",
    );
    other.close();
    const before = sha256(file);
    expect((await rejection(openStore(file))).kind).toBe("not_a_database");
    expect(sha256(file)).toBe(before);
  });

  it("refuses a folder", async () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    expect((await rejection(openStore(folder))).kind).toBe("not_a_database");
  });

  it("refuses a schema newer than this code knows, writing nothing", async () => {
    const file = newFile();
    await withStore(file, async (store) => {
      await store.tenants.create({ slug: "from-the-future", name: "T" });
    });
    const raw = new Database(file);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    const before = sha256(file);
    const error = await rejection(openStore(file));
    expect(error.kind).toBe("newer_schema");
    expect(error.message).toContain(String(latestSchemaVersion + 1));
    expect(error.hint).toMatch(/upgrade/i);
    expect(sha256(file)).toBe(before);
  });
});

describe("sqlite store: locking", () => {
  it("fails with `locked`, naming the file, when another connection holds the write lock", async () => {
    const file = newFile();
    await withStore(file, async () => {});
    const holder = new Database(file);
    holder.exec("BEGIN EXCLUSIVE");
    holder
      .prepare("INSERT INTO tenants (id, slug, name, created_at) VALUES ('x', 'holder', 'H', 'now')")
      .run();
    try {
      await withStore(
        file,
        async (store) => {
          // Reads still work in WAL mode while another connection writes.
          expect(await store.tenants.list()).toEqual([]);
          const started = Date.now();
          const error = await rejection(store.tenants.create({ slug: "blocked", name: "B" }));
          expect(error.kind).toBe("locked");
          expect(error.retryable).toBe(true);
          expect(error.message).toContain(file);
          expect(error.hint).toContain(file);
          expect(error.cause).toBeDefined();
          expect(Date.now() - started).toBeGreaterThanOrEqual(90);
          expect((await rejection(store.transaction(async () => {}))).kind).toBe("locked");
        },
        100,
      );
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    // Once the lock is released the store writes again.
    await withStore(file, async (store) => {
      await store.tenants.create({ slug: "unblocked", name: "U" });
    });
  });
});

describe("sqlite store: what stays inside the file", () => {
  it("stores the API key's hash and never its secret", async () => {
    const file = newFile();
    const secret = await withStore(file, async (store) => {
      const tenant = await store.tenants.create({ slug: "keys", name: "K" });
      return (await store.apiKeys.create({ tenantId: tenant.id, name: "k", scopes: ["chat"] })).secret;
    });
    const raw = new Database(file, { readonly: true });
    const texts = JSON.stringify(raw.prepare("SELECT * FROM api_keys").all());
    raw.close();
    expect(texts).toContain(hashApiKeySecret(secret));
    expect(texts).not.toContain(secret.slice(12));
    const bytes = Buffer.concat([
      readFileSync(file),
      existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
    ]);
    expect(bytes.includes(Buffer.from(secret.slice(12)))).toBe(false);
  });

  it("reports corrupt data pages from health(), and refuses a corrupt schema on open", async () => {
    const file = newFile();
    await withStore(file, async (store) => {
      const tenant = await store.tenants.create({ slug: "corrupt", name: "C" });
      for (let i = 0; i < 200; i += 1)
        await store.jobs.enqueue({ kind: "k", tenantId: tenant.id, payload: "x".repeat(200) });
    });
    const pristine = readFileSync(file);
    const pageSize = pristine.readUInt16BE(16);
    const scribble = (from: number) => {
      const bytes = Buffer.from(pristine);
      for (let offset = from; offset < bytes.length; offset += 1) bytes[offset] = (offset * 31) % 251;
      writeFileSync(file, bytes);
    };

    // The last pages hold job rows, not the schema: the store opens, and health() finds the damage.
    scribble(pristine.length - 4 * pageSize);
    const store = await openStore(file);
    try {
      const health = await store.health();
      expect(health.ok).toBe(false);
      expect(health.problems.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }

    // Everything after the header page: the schema itself is unreadable.
    scribble(pageSize);
    const error = await rejection(openStore(file));
    expect(error.kind).toBe("corrupt");
    expect(error.hint).toContain(file);
  });
});
