/**
 * The persistence contract. Every implementation (SQLite in `src/store/sqlite`,
 * PostgreSQL later) passes the shared conformance suite in
 * `src/store/store.conformance.ts`; nothing above `src/store` may depend on
 * which one it got.
 *
 * Conventions every method keeps:
 * - ids are strings chosen by the store (UUID v7-like: sortable by creation);
 * - times are ISO-8601 strings in UTC;
 * - `get*` returns `undefined` when absent; `update*`/`remove*` throw
 *   `NotFoundError` when the row is absent;
 * - constraint violations throw `StoreError` with kind `unique | not_null |
 *   foreign_key | check` and the driver error as `cause`;
 * - invalid arguments that no constraint covers (a non-positive `leaseMs`, a
 *   value `JSON.stringify` cannot write) throw `ValidationError`;
 * - `list` returns rows oldest first (creation order) unless stated otherwise;
 * - JSON columns round-trip any JSON value unchanged, `\u0000` and lone
 *   surrogates included (so PostgreSQL cannot keep them in `jsonb`);
 * - a closed store rejects every call with `StoreError("unavailable")`.
 *
 * Each repository's interface and row types are in `./store/`, a file per
 * repository (or pair of them); this file puts them together.
 */

import type { ChannelsRepository } from "./store/channels-repository.js";
import type { ConversationsRepository, MessagesRepository } from "./store/conversations.js";
import type { DatasetsRepository } from "./store/datasets.js";
import type { EvaluationsRepository, PromotionsRepository } from "./store/evaluations-repository.js";
import type { JobsRepository } from "./store/jobs.js";
import type { KnowledgeRepository } from "./store/knowledge-repository.js";
import type { AgentsRepository, ModelsRepository } from "./store/models-and-agents.js";
import type { SecretsRepository } from "./store/secrets-repository.js";
import type { SynthRepository } from "./store/synth-repository.js";
import type { ApiKeysRepository, TenantsRepository } from "./store/tenants.js";
import type { TicketsRepository } from "./store/tickets-repository.js";
import type { UploadBlobsRepository } from "./store/upload-blobs-repository.js";
import type { UsageRepository } from "./store/usage-repository.js";

export type * from "./store/channels-repository.js";
export type * from "./store/conversations.js";
export type * from "./store/datasets.js";
export type * from "./store/evaluations-repository.js";
export type * from "./store/jobs.js";
export type * from "./store/knowledge-repository.js";
export type * from "./store/models-and-agents.js";
export type * from "./store/secrets-repository.js";
export type * from "./store/synth-repository.js";
export type * from "./store/tenants.js";
export type * from "./store/tickets-repository.js";
export type * from "./store/upload-blobs-repository.js";
export type * from "./store/usage-repository.js";

/** The repositories one store exposes; a transaction exposes the same ones. */
export interface StoreRepositories {
  tenants: TenantsRepository;
  apiKeys: ApiKeysRepository;
  models: ModelsRepository;
  agents: AgentsRepository;
  conversations: ConversationsRepository;
  messages: MessagesRepository;
  jobs: JobsRepository;
  knowledge: KnowledgeRepository;
  synth: SynthRepository;
  datasets: DatasetsRepository;
  evaluations: EvaluationsRepository;
  promotions: PromotionsRepository;
  tickets: TicketsRepository;
  usage: UsageRepository;
  secrets: SecretsRepository;
  channels: ChannelsRepository;
  uploads: UploadBlobsRepository;
}

export interface StoreHealth {
  ok: boolean;
  /** e.g. `sqlite 3.50.4 (WAL)` or `postgres 17.2`. */
  engine: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  /** Integrity problems found, empty when ok. */
  problems: string[];
}

export interface Store extends StoreRepositories {
  /** `sqlite` or `postgres`. */
  readonly kind: "sqlite" | "postgres";
  /**
   * Runs `fn` in one transaction: all of its writes commit together, or none
   * do when it throws (the error is rethrown). Use only the `tx` handle inside:
   * the store itself waits for the transaction, so an implementation rejects
   * calls on it from inside `fn` rather than deadlock, and rejects `tx` once
   * the transaction has ended. Other work on the same store waits until the
   * transaction ends.
   */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  /** Schema version and a full integrity check; reports problems rather than throwing them. */
  health(): Promise<StoreHealth>;
  /** Waits for calls already queued (an open transaction first), then closes. Idempotent. */
  close(): Promise<void>;
}
