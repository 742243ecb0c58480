/**
 * `alambique store copy` from a SQLite store holding a bit of everything (a
 * conversation, knowledge with vectors over several batches, jobs, a frozen
 * dataset, keys, models, usage, secrets) into PostgreSQL: every table's
 * count and checksum match, and the PostgreSQL store then answers the same
 * reads and searches. A destination that changes a row on the way in is
 * caught and nothing is committed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { openStore } from "../../store/open-store.js";
import {
  describePostgres,
  freshPostgresUrl,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { runCli } from "../run-cli.fixture.js";
import { seedEverything } from "./copy-store.fixture.js";

let file: string;
let seeded: Awaited<ReturnType<typeof seedEverything>>;

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), "alq-copy-")), "alambique.db");
  const store = await openStore(file);
  try {
    seeded = await seedEverything(store);
  } finally {
    await store.close();
  }
});

const copy = (to: string, ...more: string[]) =>
  runCli([
    "store",
    "copy",
    "--from",
    `sqlite:${file}`,
    "--to",
    to.replace("alambique@", "alambique:hunter2@"),
    ...more,
  ]);

describePostgres("alambique store copy: sqlite to postgres", () => {
  it("copies every table, compares counts and checksums, and the copy answers as the original", async () => {
    const url = await freshPostgresUrl("copy");
    const run = await copy(url);
    expect(run.code, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain("hunter2");
    const lines = run.stdout.split("\n");
    for (const table of [
      "tenants",
      "messages",
      "jobs",
      "datasets",
      "dataset_rows",
      "chunks",
      "chunk_vectors",
    ]) {
      expect(lines.find((l) => l.startsWith(`${table} `))).toMatch(/ yes$/);
    }
    expect(lines.find((l) => l.startsWith("chunks "))).toMatch(
      /^chunks\s+625\s+625\s+([0-9a-f]{16})\s+\1\s+yes$/,
    );
    expect(run.stdout).toMatch(/copied \d+ rows from .* to postgres:\/\/alambique@127\.0\.0\.1:\d+\/copy_/);

    const [original, copied] = [await openStore(file), await openStore(url)];
    try {
      const { tenantId, agentId, conversationId, datasetId, jobId } = seeded;
      expect(await copied.messages.list(conversationId)).toEqual(
        await original.messages.list(conversationId),
      );
      expect((await copied.datasets.get(tenantId, datasetId))?.frozenAt).toBe(
        (await original.datasets.get(tenantId, datasetId))?.frozenAt,
      );
      expect(await copied.jobs.get(jobId)).toEqual(await original.jobs.get(jobId));
      expect((await copied.models.get("m-open"))?.outputsMayTrain).toBe(true);
      expect(
        (await copied.secrets.getOrCreate("visitor-tokens", 32)).equals(
          await original.secrets.getOrCreate("visitor-tokens", 32),
        ),
      ).toBe(true);
      const hits = await copied.knowledge.searchText(tenantId, agentId, "domingos", 3);
      expect(hits[0]?.chunk.text).toContain("domingos");
      const query = new Float32Array([Math.cos(7), Math.sin(7), 0.5, -0.25]);
      const near = async (store: Store) =>
        (await store.knowledge.searchVector(tenantId, agentId, query, 1))[0]?.chunk.id;
      expect(await near(copied)).toBe(await near(original));
    } finally {
      await Promise.all([original.close(), copied.close()]);
    }
  }, 120_000);

  it("refuses a destination that holds data unless --force, then adds to it", async () => {
    const url = await freshPostgresUrl("copyfull");
    const other = await openStore(url);
    await other.tenants.create({ slug: "already-here", name: "A" });
    await other.close();
    const refused = await copy(url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds data \(tenants: 1\)/);
    expect(refused.stderr).toContain("--force");
    const forced = await copy(url, "--force", "--json");
    expect(forced.code, forced.stderr).toBe(0);
    const report = JSON.parse(forced.stdout);
    expect(report.ok).toBe(true);
    expect(report.tables.find((t: { table: string }) => t.table === "tenants")).toMatchObject({
      before: 1,
      missing: 0,
      destination: { rows: 2 },
    });
  }, 120_000);

  it("commits nothing when a copied row does not match its source", async () => {
    const url = await freshPostgresUrl("copybad");
    await (await openStore(url)).close();
    await raw(url, (c) =>
      c.query(`CREATE FUNCTION garble() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.content := NEW.content || '!'; RETURN NEW; END $$;
        CREATE TRIGGER garble BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION garble();`),
    );
    const run = await copy(url);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^messages\s+2\s+2\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+NO$/m);
    expect(run.stderr).toMatch(/the copy of messages does not match its source: nothing was committed/);
    const tenants = await raw(
      url,
      async (c) => (await c.query("SELECT count(*)::int AS n FROM tenants")).rows[0].n,
    );
    expect(tenants).toBe(0);
  }, 120_000);

  it("says what it copies between when given two SQLite files", async () => {
    const run = await runCli(["store", "copy", "--from", "sqlite:/tmp/x.db", "--to", "sqlite:/tmp/y.db"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/between a SQLite file and PostgreSQL; got sqlite to sqlite/);
  });
});
