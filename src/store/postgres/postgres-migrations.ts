/**
 * The PostgreSQL schema as forward-only, numbered migrations (1, 2, 3… with
 * no gaps). Never edit one that has shipped: add the next. Each is recorded
 * in `alambique_migrations`; the highest recorded version is the schema version,
 * so an older Alambique refuses a newer database before touching it.
 */
import { v1Core } from "./migrations/v1-core.js";
import { v2Knowledge } from "./migrations/v2-knowledge.js";
import { v3Distill, v4SizeCap } from "./migrations/v3-distill.js";
import { v5Channels } from "./migrations/v5-channels.js";
import { v6Replicas } from "./migrations/v6-replicas.js";
import { v7AgentVersions } from "./migrations/v7-agent-versions.js";
import { v8BudgetsFeedback } from "./migrations/v8-budgets-feedback.js";
import { v9StagedSources } from "./migrations/v9-staged-sources.js";
import { v10UploadBlobs } from "./migrations/v10-upload-blobs.js";

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  { version: 1, name: "tenants, agents, conversations, jobs, tickets, usage, secrets", sql: v1Core },
  { version: 2, name: "knowledge index with text search and vectors", sql: v2Knowledge },
  { version: 3, name: "synthetic data, datasets, evaluations and promotions", sql: v3Distill },
  { version: 4, name: "size cap for capped connections", sql: v4SizeCap },
  { version: 5, name: "channels with their inbound and outbound queues", sql: v5Channels },
  { version: 6, name: "shared rate limit buckets and conversation change notifications", sql: v6Replicas },
  { version: 7, name: "agent spec versions", sql: v7AgentVersions },
  {
    version: 8,
    name: "shared token budget holds and feedback caps; one-call message append",
    sql: v8BudgetsFeedback,
  },
  { version: 9, name: "staged knowledge sources", sql: v9StagedSources },
  { version: 10, name: "queued knowledge uploads", sql: v10UploadBlobs },
];

/** The schema version this code writes and understands. */
export const latestPostgresSchemaVersion: number = postgresMigrations.at(-1)?.version ?? 0;
