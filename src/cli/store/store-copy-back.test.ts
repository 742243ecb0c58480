/**
 * `alambique store copy` from PostgreSQL back to SQLite: a SQLite store
 * holding a bit of everything goes to PostgreSQL and back to a new SQLite
 * file; both copies report the same counts and checksums, the final file
 * answers reads and searches (text and vector) as the original, and its
 * staged source stays hidden. A destination that changes a row on the way
 * in, or that holds data, is left as it was.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import type { CopyReport } from "../../store/copy/copy-report.js";
import { openStore } from "../../store/open-store.js";
import { describePostgres, freshPostgresUrl } from "../../store/postgres/postgres-test-server.fixture.js";
import { runCli } from "../run-cli.fixture.js";
import { seedEverything } from "./copy-store.fixture.js";

const folder = mkdtempSync(join(tmpdir(), "alq-copy-back-"));
const original = join(folder, "original.db");
let seeded: Awaited<ReturnType<typeof seedEverything>>;
/** A PostgreSQL database holding the original (copied there by the CLI). */
let source: string;
let there: CopyReport;

const copy = async (from: string, to: string, ...more: string[]) =>
  runCli(["store", "copy", "--from", from, "--to", to, ...more]);
const withPassword = (url: string) => url.replace("alambique@", "alambique:hunter2@");

describePostgres("alambique store copy: postgres to sqlite", () => {
  beforeAll(async () => {
    const store = await openStore(original);
    try {
      seeded = await seedEverything(store);
    } finally {
      await store.close();
    }
    source = await freshPostgresUrl("back");
    const run = await copy(`sqlite:${original}`, source, "--json");
    expect(run.code, run.stderr).toBe(0);
    there = JSON.parse(run.stdout);
  }, 120_000);

  it("copies every table back with the same counts and checksums, and answers as the original", async () => {
    const back = join(folder, "back.db");
    const run = await copy(withPassword(source), `sqlite:${back}`, "--json");
    expect(run.code, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain("hunter2");
    const report: CopyReport = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report.from).toMatch(/^postgres:\/\/alambique@127\.0\.0\.1:\d+\/back_/);
    // The same tables both ways, each with the original's rows and checksum.
    const sums = (r: CopyReport) => Object.fromEntries(r.tables.map((t) => [t.table, t.source]));
    expect(sums(report)).toEqual(sums(there));
    for (const table of report.tables) expect(table.destination, table.table).toEqual(table.source);
    expect(sums(report).chunks?.rows).toBe(625);
    expect(sums(report).chunk_vectors?.rows).toBe(622);

    const [before, after] = [await openStore(original), await openStore(back)];
    try {
      const { tenantId, agentId, conversationId, datasetId, jobId } = seeded;
      expect(await after.messages.list(conversationId)).toEqual(await before.messages.list(conversationId));
      expect(await after.datasets.get(tenantId, datasetId)).toEqual(
        await before.datasets.get(tenantId, datasetId),
      );
      expect(await after.jobs.get(jobId)).toEqual(await before.jobs.get(jobId));
      expect(await after.tickets.list(tenantId)).toEqual(await before.tickets.list(tenantId));
      expect(await after.channels.list(tenantId)).toEqual(await before.channels.list(tenantId));
      expect(await after.knowledge.listSources(tenantId, agentId)).toEqual(
        await before.knowledge.listSources(tenantId, agentId),
      );
      const texts = async (store: Store, query: string) =>
        (await store.knowledge.searchText(tenantId, agentId, query, 5)).map((h) => [h.chunk.id, h.score]);
      for (const query of ["domingos", "almendra miel 17", "agosto"]) {
        expect(await texts(after, query), query).toEqual(await texts(before, query));
      }
      expect(await texts(after, "agosto")).toEqual([]); // the staged version stays hidden
      const near = async (store: Store, i: number) =>
        (
          await store.knowledge.searchVector(
            tenantId,
            agentId,
            new Float32Array([Math.cos(i), Math.sin(i), 0.5, -0.25]),
            3,
          )
        ).map((h) => h.chunk.id);
      for (const i of [7, 300, 611]) expect(await near(after, i)).toEqual(await near(before, i));
      expect((await after.health()).problems).toEqual([]);
    } finally {
      await Promise.all([before.close(), after.close()]);
    }
  }, 120_000);

  it("refuses a SQLite file that holds data unless --force", async () => {
    const full = join(folder, "full.db");
    const other = await openStore(full);
    await other.tenants.create({ slug: "already-here", name: "A" });
    await other.close();
    const refused = await copy(source, `sqlite:${full}`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds data \(tenants: 1\)/);
    expect(refused.stderr).toContain("--force");
    const forced = await copy(source, full, "--force", "--json");
    expect(forced.code, forced.stderr).toBe(0);
    const report: CopyReport = JSON.parse(forced.stdout);
    expect(report.tables.find((t) => t.table === "tenants")).toMatchObject({
      before: 1,
      missing: 0,
      destination: { rows: 2 },
    });
  }, 120_000);

  it("commits nothing when a copied row does not match its source", async () => {
    const bad = join(folder, "bad.db");
    await (await openStore(bad)).close();
    const db = new Database(bad);
    db.exec(`CREATE TRIGGER garble AFTER INSERT ON messages BEGIN
      UPDATE messages SET content = content || '!' WHERE id = new.id; END`);
    db.close();
    const run = await copy(source, `sqlite:${bad}`);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^messages\s+2\s+2\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+NO$/m);
    expect(run.stderr).toMatch(/the copy of messages does not match its source: nothing was committed/);
    const check = new Database(bad, { readonly: true });
    try {
      for (const table of ["tenants", "messages", "chunks", "knowledge_indexes"]) {
        expect(check.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
      }
    } finally {
      check.close();
    }
  }, 120_000);

  it("leaves the SQLite destination empty when a write fails half-way", async () => {
    const failing = join(folder, "failing.db");
    await (await openStore(failing)).close();
    const db = new Database(failing);
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON chunk_vectors WHEN (SELECT count(*) FROM chunk_vectors) = 300
      BEGIN SELECT RAISE(ABORT, 'the disk says no'); END`);
    db.close();
    const run = await copy(source, failing);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the disk says no");
    const check = new Database(failing, { readonly: true });
    try {
      for (const table of ["tenants", "messages", "knowledge_sources", "chunks", "chunks_fts"]) {
        expect(check.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
      }
    } finally {
      check.close();
    }
  }, 120_000);
});

describe("alambique store copy: bad arguments", () => {
  it("names both directions when given two stores of one engine or :memory:", async () => {
    for (const [from, to] of [
      ["sqlite:/tmp/a.db", "sqlite:/tmp/b.db"],
      ["postgres://u@localhost/a", "postgres://u@localhost/b"],
      ["postgres://u@localhost/a", ":memory:"],
    ] as const) {
      const run = await copy(from, to);
      expect(run.code, `${from} ${to}`).toBe(2);
      expect(run.stderr).toMatch(/store copy goes between a SQLite file and PostgreSQL; got \S+ to \S+/);
      expect(run.stderr).toContain("--from postgres://USER@HOST/DATABASE --to sqlite:PATH");
    }
  });

  it("says the source cannot be reached, without its password", async () => {
    const run = await copy("postgres://someone:hunter2@127.0.0.1:1/nowhere", join(folder, "never.db"));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(run.stderr).not.toContain("hunter2");
  });

  it("refuses an unknown scheme", async () => {
    const run = await copy("mysql://u@localhost/db", join(folder, "never.db"));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unsupported store URL scheme "mysql:"/);
  });
});
