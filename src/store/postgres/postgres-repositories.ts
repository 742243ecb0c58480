import type { StoreRepositories } from "../../spec/store.js";
import { createPostgresAgents } from "./postgres-agents.js";
import { createPostgresApiKeys } from "./postgres-api-keys.js";
import { createPostgresChannels } from "./postgres-channels.js";
import { createPostgresConversations } from "./postgres-conversations.js";
import { createPostgresDatasets } from "./postgres-datasets.js";
import { createPostgresEvaluations } from "./postgres-evaluations.js";
import { createPostgresJobs } from "./postgres-jobs.js";
import { createPostgresKnowledge } from "./postgres-knowledge.js";
import type { PostgresVectorSearch } from "./postgres-knowledge-vectors.js";
import { createPostgresMessages } from "./postgres-messages.js";
import { createPostgresModels } from "./postgres-models.js";
import { createPostgresPromotions } from "./postgres-promotions.js";
import { createPostgresSecrets } from "./postgres-secrets.js";
import type { Sql } from "./postgres-sql.js";
import { createPostgresSynth } from "./postgres-synth.js";
import { createPostgresTenants } from "./postgres-tenants.js";
import { createPostgresTickets } from "./postgres-tickets.js";
import { createPostgresUploadBlobs } from "./postgres-upload-blobs.js";
import { createPostgresUsage } from "./postgres-usage.js";

/** Every repository, running its statements on `sql` (the pool, or one transaction's client). */
export function createPostgresRepositories(sql: Sql, vectors?: PostgresVectorSearch): StoreRepositories {
  return {
    tenants: createPostgresTenants(sql),
    apiKeys: createPostgresApiKeys(sql),
    models: createPostgresModels(sql),
    agents: createPostgresAgents(sql),
    conversations: createPostgresConversations(sql),
    messages: createPostgresMessages(sql),
    jobs: createPostgresJobs(sql),
    knowledge: createPostgresKnowledge(sql, vectors),
    tickets: createPostgresTickets(sql),
    usage: createPostgresUsage(sql),
    secrets: createPostgresSecrets(sql),
    synth: createPostgresSynth(sql),
    datasets: createPostgresDatasets(sql),
    evaluations: createPostgresEvaluations(sql),
    promotions: createPostgresPromotions(sql),
    channels: createPostgresChannels(sql),
    uploads: createPostgresUploadBlobs(sql),
  };
}

/** The same repositories with every method call passed through `run` (which waits, normalises errors…). */
export function wrapRepositories(
  repositories: StoreRepositories,
  run: <R>(call: () => Promise<R>) => Promise<R>,
): StoreRepositories {
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [name, repository] of Object.entries(repositories)) {
    const methods: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(
      repository as Record<string, (...args: unknown[]) => Promise<unknown>>,
    )) {
      methods[method] = (...args: unknown[]) => run(() => fn(...args));
    }
    wrapped[name] = methods;
  }
  return wrapped as unknown as StoreRepositories;
}
