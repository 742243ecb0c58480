/**
 * Versioned datasets (see sqlite-datasets.ts). Versions are numbered under a
 * transaction-scoped advisory lock on (tenant, name), so two creators of the
 * next version, on any replicas, take 2 and 3 rather than both 2. Freezing
 * is enforced here with a clear message and again by triggers (migration 3).
 */
import type { DatasetCard, Split, SynthRow } from "../../spec/distill.js";
import { NotFoundError, StoreError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { Dataset, DatasetRow, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import { parseSynthRow } from "../parse-synth-row.js";
import type { Sql } from "./postgres-sql.js";
import { assertLimit, iso, isoOrNull, nowIso, toJsonText } from "./postgres-values.js";

interface DatasetTableRow {
  id: string;
  tenant_id: string;
  name: string;
  version: number;
  job_id: string | null;
  card: DatasetCard;
  row_count: number;
  train_rows: number;
  validation_rows: number;
  test_rows: number;
  frozen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function createPostgresDatasets(sql: Sql): StoreRepositories["datasets"] {
  const byId = async (tenantId: string, id: string, on: Sql = sql, lock = "") =>
    (
      await on.query<DatasetTableRow>(`SELECT * FROM datasets WHERE tenant_id = $1 AND id = $2 ${lock}`, [
        tenantId,
        id,
      ])
    )[0];
  const load = async (tenantId: string, id: string, on: Sql, lock = "") => {
    const row = await byId(tenantId, id, on, lock);
    if (!row) throw new NotFoundError("dataset", id, "`alambique datasets list` shows the datasets");
    return row;
  };

  return {
    async create(input) {
      const parsed = input.rows.map((entry, i) => parseSynthRow(entry.row, `datasets.create rows[${i}]`));
      const rowTexts = parsed.map((row) => toJsonText(row as unknown as JsonValue, "row"));
      const id = newId();
      await sql.atomic(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 17))", [
          input.tenantId,
          input.name,
        ]);
        const [next] = await tx.query<{ version: number }>(
          "SELECT coalesce(max(version), 0) + 1 AS version FROM datasets WHERE tenant_id = $1 AND name = $2",
          [input.tenantId, input.name],
        );
        const version = next!.version;
        const now = nowIso();
        const card: DatasetCard = {
          ...input.card,
          name: input.name,
          version,
          createdAt: now,
          frozenAt: null,
        };
        const counts = splitCounts(input.rows);
        await tx.query(
          `INSERT INTO datasets (id, tenant_id, name, version, job_id, card, row_count, train_rows, validation_rows,
             test_rows, frozen_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $11)`,
          [
            id,
            input.tenantId,
            input.name,
            version,
            input.jobId ?? null,
            toJsonText(card as unknown as JsonValue, "card"),
            parsed.length,
            counts.train,
            counts.validation,
            counts.test,
            now,
          ],
        );
        if (parsed.length === 0) return;
        await tx.query(
          `INSERT INTO dataset_rows (dataset_id, ordinal, split, key, intent, language, row)
           SELECT $1, r.ordinal - 1, r.split, r.key, r.intent, r.language, r.row::json
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
             WITH ORDINALITY AS r(split, key, intent, language, row, ordinal)`,
          [
            id,
            input.rows.map((entry) => entry.split),
            parsed.map((row) => row.key),
            parsed.map((row) => row.intent),
            parsed.map((row) => row.provenance.language),
            rowTexts,
          ],
        );
      });
      return toDataset((await byId(input.tenantId, id))!);
    },
    async get(tenantId, id) {
      const row = await byId(tenantId, id);
      return row && toDataset(row);
    },
    async getByName(tenantId, name, version) {
      const [row] = await sql.query<DatasetTableRow>(
        `SELECT * FROM datasets WHERE tenant_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3)
         ORDER BY version DESC LIMIT 1`,
        [tenantId, name, version ?? null],
      );
      return row && toDataset(row);
    },
    list: async (tenantId, filter = {}) =>
      (
        await sql.query<DatasetTableRow>(
          "SELECT * FROM datasets WHERE tenant_id = $1 AND ($2::text IS NULL OR name = $2) ORDER BY name, version",
          [tenantId, filter.name ?? null],
        )
      ).map(toDataset),
    async rows(tenantId, id, options = {}) {
      if (options.limit !== undefined) assertLimit(options.limit, Number.MAX_SAFE_INTEGER);
      await load(tenantId, id, sql);
      const rows = await sql.query<{ ordinal: number; split: Split; row: SynthRow }>(
        `SELECT ordinal, split, row FROM dataset_rows
         WHERE dataset_id = $1 AND ($2::text IS NULL OR split = $2) AND ordinal > $3
         ORDER BY ordinal LIMIT $4`,
        [id, options.split ?? null, options.afterOrdinal ?? -1, options.limit ?? null],
      );
      return rows.map((r): DatasetRow => ({ ordinal: r.ordinal, split: r.split, row: r.row }));
    },
    async setCard(tenantId, id, card) {
      await sql.atomic(async (tx) => {
        const current = await load(tenantId, id, tx, "FOR UPDATE");
        assertNotFrozen(current);
        const next: DatasetCard = {
          ...card,
          name: current.card.name,
          version: current.card.version,
          createdAt: current.card.createdAt,
          frozenAt: null,
        };
        await tx.query("UPDATE datasets SET card = $1, updated_at = $2 WHERE id = $3", [
          toJsonText(next as unknown as JsonValue, "card"),
          nowIso(),
          id,
        ]);
      });
      return toDataset((await byId(tenantId, id))!);
    },
    async freeze(tenantId, id) {
      await sql.atomic(async (tx) => {
        const current = await load(tenantId, id, tx, "FOR UPDATE");
        if (current.frozen_at !== null) return;
        const now = nowIso();
        const card = { ...current.card, frozenAt: now };
        await tx.query("UPDATE datasets SET card = $1, frozen_at = $2, updated_at = $2 WHERE id = $3", [
          toJsonText(card as unknown as JsonValue, "card"),
          now,
          id,
        ]);
      });
      return toDataset((await byId(tenantId, id))!);
    },
  };
}

function splitCounts(rows: { split: Split }[]): Record<Split, number> {
  const counts: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  for (const { split } of rows) counts[split] = (counts[split] ?? 0) + 1;
  return counts;
}

function assertNotFrozen(row: DatasetTableRow): void {
  if (row.frozen_at === null) return;
  throw new StoreError(
    "check",
    `dataset ${row.name} v${row.version} is frozen (since ${iso(row.frozen_at)})`,
    {
      hint: "A frozen dataset never changes: create a new version instead.",
    },
  );
}

function toDataset(row: DatasetTableRow): Dataset {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    version: row.version,
    jobId: row.job_id,
    card: row.card,
    rowCount: row.row_count,
    splitCounts: { train: row.train_rows, validation: row.validation_rows, test: row.test_rows },
    frozenAt: isoOrNull(row.frozen_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
