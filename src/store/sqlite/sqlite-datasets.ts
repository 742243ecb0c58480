/**
 * Versioned datasets (see `StoreRepositories.datasets`). Freezing is enforced
 * twice: here, with a clear message, and by triggers in the schema
 * (migration 3) that abort any change to a frozen dataset's card or rows
 * whatever code path tries it.
 */
import type { Database } from "better-sqlite3";
import type { DatasetCard, Split, SynthRow } from "../../spec/distill.js";
import { NotFoundError, StoreError } from "../../spec/errors.js";
import type { Dataset, DatasetRow, NewDatasetCard } from "../../spec/store.js";
import { newId } from "../ids.js";
import { parseSynthRow } from "../parse-synth-row.js";
import { assertLimit } from "./assert-limit.js";
import { fromJsonText, nowIso, toJsonText } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface DatasetTableRow {
  id: string;
  tenant_id: string;
  name: string;
  version: number;
  job_id: string | null;
  card: string;
  row_count: number;
  train_rows: number;
  validation_rows: number;
  test_rows: number;
  frozen_at: string | null;
  created_at: string;
  updated_at: string;
}

interface RowTableRow {
  ordinal: number;
  split: Split;
  row: string;
}

const selectDatasets = "SELECT * FROM datasets d";

export function createSqliteDatasets(db: Database): SyncRepositories["datasets"] {
  const nextVersion = db
    .prepare<[string, string], number>(
      "SELECT coalesce(max(version), 0) + 1 FROM datasets WHERE tenant_id = ? AND name = ?",
    )
    .pluck();
  const insert = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO datasets (id, tenant_id, name, version, job_id, card, row_count, train_rows, validation_rows,
       test_rows, frozen_at, created_at, updated_at)
     VALUES (@id, @tenantId, @name, @version, @jobId, @card, @rowCount, @train, @validation, @test, NULL,
       @now, @now)`,
  );
  const insertRow = db.prepare<[string, number, string, string, string, string, string]>(
    "INSERT INTO dataset_rows (dataset_id, ordinal, split, key, intent, language, row) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const byId = db.prepare<[string, string], DatasetTableRow>(
    `${selectDatasets} WHERE d.tenant_id = ? AND d.id = ?`,
  );
  const byName = db.prepare<[{ tenantId: string; name: string; version: number | null }], DatasetTableRow>(
    `${selectDatasets} WHERE d.tenant_id = @tenantId AND d.name = @name
       AND (@version IS NULL OR d.version = @version)
     ORDER BY d.version DESC LIMIT 1`,
  );
  const list = db.prepare<[{ tenantId: string; name: string | null }], DatasetTableRow>(
    `${selectDatasets} WHERE d.tenant_id = @tenantId AND (@name IS NULL OR d.name = @name)
     ORDER BY d.name, d.version`,
  );
  const rows = db.prepare<[{ id: string; split: string | null; after: number; limit: number }], RowTableRow>(
    `SELECT ordinal, split, row FROM dataset_rows
     WHERE dataset_id = @id AND (@split IS NULL OR split = @split) AND ordinal > @after
     ORDER BY ordinal LIMIT @limit`,
  );
  const setCard = db.prepare<[string, string, string]>(
    "UPDATE datasets SET card = ?, updated_at = ? WHERE id = ?",
  );
  const freeze = db.prepare<[string, string, string, string]>(
    "UPDATE datasets SET card = ?, frozen_at = ?, updated_at = ? WHERE id = ?",
  );

  const load = (tenantId: string, id: string): DatasetTableRow => {
    const row = byId.get(tenantId, id);
    if (!row) throw new NotFoundError("dataset", id, "`alambique datasets list` shows the datasets");
    return row;
  };

  const create = db.transaction(
    (input: Parameters<SyncRepositories["datasets"]["create"]>[0], parsed: SynthRow[]): string => {
      const id = newId();
      const now = nowIso();
      const version = nextVersion.get(input.tenantId, input.name)!;
      const card: DatasetCard = {
        ...input.card,
        name: input.name,
        version,
        createdAt: now,
        frozenAt: null,
      };
      insert.run({
        id,
        tenantId: input.tenantId,
        name: input.name,
        version,
        jobId: input.jobId ?? null,
        card: toJsonText(card, "card"),
        rowCount: parsed.length,
        ...splitCounts(input.rows),
        now,
      });
      parsed.forEach((row, ordinal) => {
        const split = input.rows[ordinal]!.split;
        insertRow.run(
          id,
          ordinal,
          split,
          row.key,
          row.intent,
          row.provenance.language,
          toJsonText(row, "row"),
        );
      });
      return id;
    },
  );

  const writeCard = db.transaction((tenantId: string, id: string, card: NewDatasetCard) => {
    const current = load(tenantId, id);
    assertNotFrozen(current);
    const stored = fromJsonText<never>(current.card) as DatasetCard;
    const next: DatasetCard = {
      ...card,
      name: stored.name,
      version: stored.version,
      createdAt: stored.createdAt,
      frozenAt: null,
    };
    setCard.run(toJsonText(next, "card"), nowIso(), id);
  });

  const freezeOnce = db.transaction((tenantId: string, id: string) => {
    const current = load(tenantId, id);
    if (current.frozen_at !== null) return;
    const now = nowIso();
    const card = { ...(fromJsonText<never>(current.card) as DatasetCard), frozenAt: now };
    freeze.run(toJsonText(card, "card"), now, now, id);
  });

  return {
    create(input) {
      const parsed = input.rows.map((entry, i) => parseSynthRow(entry.row, `datasets.create rows[${i}]`));
      const id = create.immediate(input, parsed);
      return toDataset(byId.get(input.tenantId, id)!);
    },
    get(tenantId, id) {
      const row = byId.get(tenantId, id);
      return row && toDataset(row);
    },
    getByName(tenantId, name, version) {
      const row = byName.get({ tenantId, name, version: version ?? null });
      return row && toDataset(row);
    },
    list: (tenantId, filter = {}) => list.all({ tenantId, name: filter.name ?? null }).map(toDataset),
    rows(tenantId, id, options = {}) {
      if (options.limit !== undefined) assertLimit(options.limit, Number.MAX_SAFE_INTEGER);
      load(tenantId, id);
      return rows
        .all({
          id,
          split: options.split ?? null,
          after: options.afterOrdinal ?? -1,
          limit: options.limit ?? -1,
        })
        .map(toDatasetRow);
    },
    setCard(tenantId, id, card) {
      writeCard.immediate(tenantId, id, card);
      return toDataset(byId.get(tenantId, id)!);
    },
    freeze(tenantId, id) {
      freezeOnce.immediate(tenantId, id);
      return toDataset(byId.get(tenantId, id)!);
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
  throw new StoreError("check", `dataset ${row.name} v${row.version} is frozen (since ${row.frozen_at})`, {
    hint: "A frozen dataset never changes: create a new version instead.",
  });
}

function toDataset(row: DatasetTableRow): Dataset {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    version: row.version,
    jobId: row.job_id,
    card: fromJsonText<never>(row.card) as DatasetCard,
    rowCount: row.row_count,
    splitCounts: { train: row.train_rows, validation: row.validation_rows, test: row.test_rows },
    frozenAt: row.frozen_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDatasetRow(row: RowTableRow): DatasetRow {
  return { ordinal: row.ordinal, split: row.split, row: fromJsonText<never>(row.row) as SynthRow };
}
