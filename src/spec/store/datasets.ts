// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { DatasetCard, Split, SynthRow } from "../distill.js";

/** The parts of a dataset card its creator writes; the store fills in the rest. */
export type NewDatasetCard = Omit<DatasetCard, "name" | "version" | "createdAt" | "frozenAt">;

export interface Dataset {
  id: string;
  tenantId: string;
  /** 1–64 of `a-z`, `0-9`, `.`, `_`, `-`, starting with a letter or digit (else StoreError(check)). */
  name: string;
  /** 1, 2, 3… per (tenant, name), assigned by the store. */
  version: number;
  /** The synthetic-data job it was made from; null for an import. */
  jobId: string | null;
  card: DatasetCard;
  rowCount: number;
  splitCounts: Record<Split, number>;
  /** Set once by `freeze`; from then on the dataset and its rows never change. */
  frozenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetRow {
  /** 0, 1, 2… in the order the rows were given. */
  ordinal: number;
  split: Split;
  row: SynthRow;
}

/**
 * Versioned training datasets of a tenant. A dataset is created whole, may
 * have its card rewritten, and once frozen never changes: every later write
 * to it or its rows throws StoreError(check).
 */
export interface DatasetsRepository {
  /**
   * Creates the next version of the tenant's dataset `name` (1 when new),
   * unfrozen, holding `rows` in the order given. The stored card is `card`
   * with name, version, createdAt and frozenAt (null) filled in.
   * ValidationError for a row that does not match `synthRowSchema`;
   * StoreError(unique) when two rows share a key, check for a bad name,
   * foreign_key for an unknown tenant or job.
   */
  create(input: {
    tenantId: string;
    name: string;
    jobId?: string | null;
    card: NewDatasetCard;
    rows: { split: Split; row: SynthRow }[];
  }): Promise<Dataset>;
  get(tenantId: string, id: string): Promise<Dataset | undefined>;
  /** A version by name; the newest one when `version` is absent. */
  getByName(tenantId: string, name: string, version?: number): Promise<Dataset | undefined>;
  /** By name, then version. */
  list(tenantId: string, filter?: { name?: string }): Promise<Dataset[]>;
  /** In ordinal order, one split if asked, after `afterOrdinal`; all of them without `limit`. NotFoundError for an unknown dataset. */
  rows(
    tenantId: string,
    id: string,
    options?: { split?: Split; afterOrdinal?: number; limit?: number },
  ): Promise<DatasetRow[]>;
  /** Rewrites the card (name, version and times stay). StoreError(check) when frozen; NotFoundError. */
  setCard(tenantId: string, id: string, card: NewDatasetCard): Promise<Dataset>;
  /** Freezes it (the card's `frozenAt` is set). Freezing a frozen dataset changes nothing. NotFoundError. */
  freeze(tenantId: string, id: string): Promise<Dataset>;
}
