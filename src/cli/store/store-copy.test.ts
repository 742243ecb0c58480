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
import type { NewModel, Store } from "../../spec/store.js";
import { putTexts, seedAgent } from "../../store/conformance/knowledge-kit.conformance.js";
import { seedConversation } from "../../store/conformance/store-test-kit.conformance.js";
import { sampleRow } from "../../store/conformance/synth-rows.conformance.js";
import { openStore } from "../../store/open-store.js";
import {
  describePostgres,
  freshPostgresUrl,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { runCli } from "../run-cli.fixture.js";

let file: string;
let seeded: { tenantId: string; agentId: string; conversationId: string; datasetId: string; jobId: string };

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), "alq-copy-")), "alambique.db");
  const store = await openStore(file);
  try {
    seeded = await seed(store);
  } finally {
    await store.close();
  }
});

async function seed(store: Store) {
  const { tenant, conversation } = await seedConversation(store);
  await store.messages.append({
    conversationId: conversation.id,
    role: "user",
    content: "¿abrís el domingo?",
  });
  await store.messages.append({
    conversationId: conversation.id,
    role: "assistant",
    content: "Sí, de 8 a 14.",
    metadata: { mode: "retrieval", citations: [{ uri: "horarios.md" }] },
  });
  const knowing = await seedAgent(store, tenant);
  const texts = Array.from(
    { length: 620 },
    (_, i) => `Pregunta ${i}: la tarta número ${i} lleva almendra y miel.`,
  );
  await putTexts(store, knowing, "faq.md", texts);
  await putTexts(store, knowing, "horarios.md", ["Abrimos los domingos de 8 a 14.", "We open on Sundays."]);
  const chunks = await store.knowledge.listChunks(tenant.id, knowing.agent.id, { limit: 1000 });
  await store.knowledge.putVectors(
    tenant.id,
    knowing.agent.id,
    "emb",
    chunks.map((chunk, i) => ({
      chunkId: chunk.id,
      vector: new Float32Array([Math.cos(i), Math.sin(i), 0.5, -0.25]),
    })),
  );
  const job = await store.jobs.enqueue({ kind: "synth", tenantId: tenant.id, payload: { count: 3 } });
  const dataset = await store.datasets.create({
    tenantId: tenant.id,
    name: "espiga-faq",
    jobId: job.id,
    card: {
      agent: "mostrador",
      teacher: { name: "t", licenseId: "apache-2.0" },
      judge: null,
      filters: {},
      counts: { train: 1, validation: 0, test: 0, dropped: {} },
      languages: ["es"],
      contentHash: "ab".repeat(32),
    },
    rows: [{ split: "train", row: sampleRow("k1") }],
  });
  await store.datasets.freeze(tenant.id, dataset.id);
  await store.apiKeys.create({ tenantId: tenant.id, name: "ops", scopes: ["admin"] });
  await store.models.add({
    name: "m-open",
    source: "url:http://127.0.0.1:8000/v1",
    architecture: null,
    parameterCount: null,
    quantization: null,
    contextLength: null,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: {},
  } as NewModel);
  await store.usage.add(tenant.id, "2026-12-06", 1234);
  await store.secrets.getOrCreate("visitor-tokens", 32);
  return {
    tenantId: tenant.id,
    agentId: knowing.agent.id,
    conversationId: conversation.id,
    datasetId: dataset.id,
    jobId: job.id,
  };
}

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
      /^chunks\s+622\s+622\s+([0-9a-f]{16})\s+\1\s+yes$/,
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

  it("says what it copies between when asked for PostgreSQL to SQLite", async () => {
    const run = await runCli([
      "store",
      "copy",
      "--from",
      "postgres://u@localhost/db",
      "--to",
      "sqlite:/tmp/x.db",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/from a SQLite file to PostgreSQL; got postgres to sqlite/);
  });
});
