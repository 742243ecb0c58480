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
 */

import type { DatasetCard, DropReason, Split, SynthRow, SynthTask } from "./distill.js";
import type { JsonValue } from "./json.js";
import type { Chunk, ChunkHit, ChunkInput, KnowledgeSource, SourceKind, Ticket } from "./knowledge.js";

export interface Tenant {
  id: string;
  /** URL-safe unique name, e.g. `panaderia-rosa`: 1–64 of `a-z`, `0-9`, `-` (else StoreError(check)). */
  slug: string;
  name: string;
  createdAt: string;
}

export type ApiKeyScope = "admin" | "chat";

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  /** The first characters of the secret (e.g. `alq_3fa9c1`), safe to show and log. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type Openness = "open" | "gated" | "closed";

export interface ModelRecord {
  /** Unique catalog name, e.g. `llama-3.1-8b-instruct-q4`. */
  name: string;
  /** `gguf:/abs/path.gguf`, `hf:OWNER/REPO/FILE.gguf`, or `url:https://host/v1`. */
  source: string;
  architecture: string | null;
  parameterCount: number | null;
  quantization: string | null;
  contextLength: number | null;
  licenseId: string | null;
  licenseUrl: string | null;
  weightsOpenness: Openness | null;
  dataOpenness: Openness | null;
  codeOpenness: Openness | null;
  /** Whether the licence lets this model's outputs train other models; null when unknown. */
  outputsMayTrain: boolean | null;
  /** Anything else (API key env var, price per million tokens, threads, conditions). */
  metadata: Record<string, JsonValue>;
  createdAt: string;
  updatedAt: string;
}

export type NewModel = Omit<ModelRecord, "createdAt" | "updatedAt">;

export interface AgentRecord {
  id: string;
  tenantId: string;
  /** Unique per tenant. */
  name: string;
  /** The validated agent spec (validated by `src/agents`, stored as JSON). */
  spec: Record<string, JsonValue>;
  createdAt: string;
  updatedAt: string;
}

export type ConversationStatus = "bot" | "waiting_human" | "human" | "closed";

export interface ConversationFilter {
  agentId?: string;
  status?: ConversationStatus;
  externalUserPrefix?: string;
  /** Where the page starts: after this conversation (its creation time and id; it may have been removed since). */
  after?: { createdAt: string; id: string };
  limit?: number;
}

export interface Conversation {
  id: string;
  tenantId: string;
  agentId: string;
  /** The customer's id in the channel that reached us (widget cookie, `user` field, phone). */
  externalUserId: string;
  status: ConversationStatus;
  createdAt: string;
  updatedAt: string;
}

export type MessageRole = "system" | "user" | "assistant" | "tool" | "human";

export interface Message {
  id: string;
  conversationId: string;
  /** 1, 2, 3… within the conversation, assigned by the store. */
  seq: number;
  role: MessageRole;
  content: string;
  /** Citations, tool calls and results, usage, latency. */
  metadata: Record<string, JsonValue>;
  createdAt: string;
}

export type JobStatus = "queued" | "running" | "paused" | "succeeded" | "failed" | "cancelled";

export interface Job {
  id: string;
  tenantId: string | null;
  /** What worker runs it, e.g. `synth`, `train`, `eval`. */
  kind: string;
  status: JobStatus;
  payload: JsonValue;
  /** The worker's resumable state; replaced whole by `checkpoint`. */
  checkpoint: JsonValue;
  /** 0..1 */
  progress: number;
  error: string | null;
  attempts: number;
  /** Who holds the lease while running, and until when. */
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A task of a synthetic-data job's stored plan; `ordinal` is its place in the plan (0, 1, …). */
export interface PlannedTask extends SynthTask {
  ordinal: number;
}

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/** Rows kept and dropped in one slice (a language, an intent). */
export interface KeptDropped {
  kept: number;
  dropped: number;
}

/** What a synthetic-data job has produced so far, from its stored rows. */
export interface SynthCounts {
  /** Tasks in the plan (0 before planning). */
  planned: number;
  /** Rows written, kept and dropped. */
  rows: number;
  kept: number;
  /** Dropped rows per reason; reasons with no rows are absent. */
  dropped: Partial<Record<DropReason, number>>;
  /** By `provenance.language` and by `intent`. */
  byLanguage: Record<string, KeptDropped>;
  byIntent: Record<string, KeptDropped>;
  /** Sums over the rows: the teacher's (`row.usage`) and the judge's. */
  usage: { teacher: TokenCounts; judge: TokenCounts };
}

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

/** The repositories one store exposes; a transaction exposes the same ones. */
export interface StoreRepositories {
  tenants: {
    create(input: { slug: string; name: string }): Promise<Tenant>;
    get(id: string): Promise<Tenant | undefined>;
    getBySlug(slug: string): Promise<Tenant | undefined>;
    list(): Promise<Tenant[]>;
    /** Removes the tenant and everything it owns (keys, agents, conversations, jobs). */
    remove(id: string): Promise<void>;
  };
  apiKeys: {
    /**
     * Creates a key and returns its secret once. Only a hash of the secret is
     * stored; the secret cannot be recovered later.
     */
    create(input: {
      tenantId: string;
      name: string;
      scopes: ApiKeyScope[];
    }): Promise<{ key: ApiKey; secret: string }>;
    /**
     * The key a secret belongs to, or undefined when unknown or revoked.
     * Records `lastUsedAt`, to the minute (at most one write per key per minute).
     */
    verify(secret: string): Promise<ApiKey | undefined>;
    list(tenantId: string): Promise<ApiKey[]>;
    /** Idempotent (keeps the first `revokedAt`); NotFoundError when the tenant has no such key. */
    revoke(tenantId: string, id: string): Promise<void>;
  };
  models: {
    /** Inserts; throws StoreError(unique) when the name exists. */
    add(model: NewModel): Promise<ModelRecord>;
    get(name: string): Promise<ModelRecord | undefined>;
    /** By name. */
    list(): Promise<ModelRecord[]>;
    remove(name: string): Promise<void>;
  };
  agents: {
    create(input: { tenantId: string; name: string; spec: Record<string, JsonValue> }): Promise<AgentRecord>;
    get(tenantId: string, id: string): Promise<AgentRecord | undefined>;
    getByName(tenantId: string, name: string): Promise<AgentRecord | undefined>;
    list(tenantId: string): Promise<AgentRecord[]>;
    update(tenantId: string, id: string, spec: Record<string, JsonValue>): Promise<AgentRecord>;
    /** Removes the agent and its conversations. */
    remove(tenantId: string, id: string): Promise<void>;
  };
  conversations: {
    /** Starts in status `bot`. StoreError(foreign_key) unless the agent belongs to the tenant. */
    create(input: { tenantId: string; agentId: string; externalUserId: string }): Promise<Conversation>;
    get(tenantId: string, id: string): Promise<Conversation | undefined>;
    /** The newest conversation of this customer with this agent that is not closed. */
    findOpen(tenantId: string, agentId: string, externalUserId: string): Promise<Conversation | undefined>;
    /**
     * Oldest first (creation order). A page: the conversations after `after`
     * (none: from the first), at most `limit` of them.
     * `externalUserPrefix` keeps those whose externalUserId starts with it.
     */
    list(tenantId: string, filter?: ConversationFilter): Promise<Conversation[]>;
    setStatus(tenantId: string, id: string, status: ConversationStatus): Promise<Conversation>;
  };
  messages: {
    /**
     * Appends with the next `seq` in the conversation (also across processes)
     * and touches the conversation's `updatedAt`. StoreError(foreign_key) when
     * the conversation does not exist.
     */
    append(input: {
      conversationId: string;
      role: MessageRole;
      content: string;
      metadata?: Record<string, JsonValue>;
    }): Promise<Message>;
    /** In `seq` order; `afterSeq` for paging. */
    list(conversationId: string, options?: { afterSeq?: number; limit?: number }): Promise<Message[]>;
  };
  jobs: {
    enqueue(input: { kind: string; tenantId?: string | null; payload: JsonValue }): Promise<Job>;
    get(id: string): Promise<Job | undefined>;
    list(filter?: { kind?: string; status?: JobStatus; tenantId?: string }): Promise<Job[]>;
    /**
     * Atomically takes the oldest `queued` job of one of `kinds` — or a
     * `running` one whose lease has expired (its worker died) — marks it
     * `running`, increments `attempts`, and leases it to `owner` for `leaseMs`.
     * With `id`, only that job is considered (a command resuming one job).
     * Two concurrent claimers never get the same job. Undefined when none.
     */
    claim(input: { kinds: string[]; owner: string; leaseMs: number; id?: string }): Promise<Job | undefined>;
    /**
     * Extends the lease. NotFoundError when the job is absent; StoreError(check)
     * when it is no longer `running` under `owner` (another worker took it over
     * after the lease expired, or an operator paused or cancelled it): the
     * worker should stop. An expired lease nobody has taken over still counts.
     */
    heartbeat(id: string, owner: string, leaseMs: number): Promise<void>;
    /** Replaces the checkpoint and progress (0..1, else StoreError(check)); same lease rule as heartbeat. */
    checkpoint(id: string, owner: string, checkpoint: JsonValue, progress: number): Promise<void>;
    /**
     * Ends a running job: `succeeded` (progress becomes 1), `failed` (with
     * error) or back to `queued`/`paused` (checkpoint kept, to resume from).
     * Releases the lease; same lease rule as heartbeat.
     */
    finish(
      id: string,
      owner: string,
      outcome: { status: "succeeded" | "failed" | "queued" | "paused"; error?: string },
    ): Promise<Job>;
    /**
     * Operator actions: pause (queued/running → paused), resume (paused →
     * queued), cancel (any unfinished → cancelled). Pausing or cancelling a
     * running job takes its lease away. Asking for the status the job already
     * has changes nothing; any other transition is StoreError(check).
     */
    setStatus(id: string, status: "paused" | "queued" | "cancelled"): Promise<Job>;
  };
  /**
   * The knowledge index of each agent. Chunks belong to a source; a source to
   * an agent (removing either removes its chunks and their vectors).
   */
  knowledge: {
    /**
     * Creates the source, or replaces an existing one with the same (agentId, uri):
     * its old chunks and vectors go, the new ones come, in one transaction.
     */
    putSource(input: {
      tenantId: string;
      agentId: string;
      uri: string;
      kind: SourceKind;
      contentHash: string;
      bytes: number;
      chunks: ChunkInput[];
    }): Promise<KnowledgeSource>;
    getSource(tenantId: string, agentId: string, uri: string): Promise<KnowledgeSource | undefined>;
    listSources(tenantId: string, agentId: string): Promise<KnowledgeSource[]>;
    removeSource(tenantId: string, id: string): Promise<void>;
    /** Chunks by id, in the order asked; unknown ids are left out. */
    getChunks(tenantId: string, ids: string[]): Promise<Chunk[]>;
    /** Chunks of an agent that have no vector for `model` yet (for embedding after ingest). */
    chunksWithoutVectors(tenantId: string, agentId: string, model: string, limit: number): Promise<Chunk[]>;
    /**
     * Stores vectors for chunks, from one embedding model. All vectors of an
     * agent share one model and dimension: a different one throws
     * ValidationError naming both (re-embed everything to change models: once
     * the agent has no vectors left, the next call may start another model).
     * NotFoundError when a chunk is not the agent's (it was removed or
     * re-ingested since it was listed); ValidationError for a vector that is
     * not a Float32Array of finite numbers, or is all zeros.
     */
    putVectors(
      tenantId: string,
      agentId: string,
      model: string,
      items: { chunkId: string; vector: Float32Array }[],
    ): Promise<void>;
    /**
     * BM25 over title and text, case- and diacritics-insensitive (`panaderia`
     * finds `panadería`). `query` is what a customer typed: the store makes it
     * safe (no query syntax errors). Best first; empty when nothing matches.
     */
    searchText(tenantId: string, agentId: string, query: string, limit: number): Promise<ChunkHit[]>;
    /**
     * Nearest chunks by cosine distance. Empty when the agent has no vectors;
     * ValidationError when `vector`'s dimension is not that of the agent's.
     * Searches may be approximate (an index trades recall for speed); scores
     * are exact. `limit` is 1–1000 for both searches (else ValidationError).
     */
    searchVector(tenantId: string, agentId: string, vector: Float32Array, limit: number): Promise<ChunkHit[]>;
  };
  /**
   * The rows of synthetic-data jobs (`jobs` of kind `synth`). A job's plan is
   * stored once; each planned task then gets exactly one row (kept, or
   * dropped with a reason), so a killed worker resumes with `pendingTasks` and
   * never writes a row twice. Rows go with their job.
   */
  synth: {
    /**
     * Stores a job's plan, in order, all at once. StoreError(check) when the job
     * already has one; `unique` when two tasks share a key; `foreign_key` when
     * the job does not exist; ValidationError for an empty key or a cell that is
     * not an object.
     */
    putPlan(jobId: string, tasks: SynthTask[]): Promise<void>;
    /** Planned tasks that have no row yet, in plan order, after `afterOrdinal`; `limit` 1..10000. */
    pendingTasks(jobId: string, options: { afterOrdinal?: number; limit: number }): Promise<PlannedTask[]>;
    /**
     * Writes the row of a planned task unless the job already has a row with
     * that key (a resumed or raced worker): the first write wins, and the
     * result says whether this one was written. `judgeUsage` is the judge's
     * tokens for it. ValidationError when the row does not match
     * `synthRowSchema`; StoreError(foreign_key) when the key is not in the plan.
     */
    putRow(jobId: string, row: SynthRow, judgeUsage?: TokenCounts): Promise<boolean>;
    /** Replaces a written row (a later judgement, a duplicate found). NotFoundError when absent. */
    updateRow(jobId: string, row: SynthRow): Promise<void>;
    getRow(jobId: string, key: string): Promise<SynthRow | undefined>;
    /**
     * Rows in key order (code-unit order for ASCII keys), only kept or only
     * dropped ones if asked, after `afterKey`; all of them without `limit`.
     */
    listRows(
      jobId: string,
      options?: { status?: "kept" | "dropped"; afterKey?: string; limit?: number },
    ): Promise<SynthRow[]>;
    /** Zeros for a job with no plan or rows (also an unknown job). */
    counts(jobId: string): Promise<SynthCounts>;
  };
  /**
   * Versioned training datasets of a tenant. A dataset is created whole, may
   * have its card rewritten, and once frozen never changes: every later write
   * to it or its rows throws StoreError(check).
   */
  datasets: {
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
  };
  tickets: {
    create(input: {
      tenantId: string;
      agentId: string;
      conversationId?: string | null;
      subject: string;
      body: string;
      metadata?: Record<string, JsonValue>;
    }): Promise<Ticket>;
    get(tenantId: string, id: string): Promise<Ticket | undefined>;
    list(tenantId: string, filter?: { agentId?: string; status?: Ticket["status"] }): Promise<Ticket[]>;
    setStatus(tenantId: string, id: string, status: Ticket["status"]): Promise<Ticket>;
  };
  /** Tokens each tenant's requests used, per UTC day (what daily token budgets count against). */
  usage: {
    /** Adds `tokens` (an integer ≥ 0) to the tenant's count for `day` (YYYY-MM-DD). StoreError(foreign_key) for an unknown tenant. */
    add(tenantId: string, day: string, tokens: number): Promise<void>;
    /** The tenant's count for `day`; 0 when nothing was used. */
    get(tenantId: string, day: string): Promise<number>;
  };
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
