import type { Database } from "better-sqlite3";
import { createSqliteAgents } from "./sqlite-agents.js";
import { createSqliteApiKeys } from "./sqlite-api-keys.js";
import { createSqliteChannels } from "./sqlite-channels.js";
import { createSqliteConversations } from "./sqlite-conversations.js";
import { createSqliteDatasets } from "./sqlite-datasets.js";
import { createSqliteEvaluations } from "./sqlite-evaluations.js";
import { createSqliteJobs } from "./sqlite-jobs.js";
import { createSqliteKnowledge } from "./sqlite-knowledge.js";
import { createSqliteMessages } from "./sqlite-messages.js";
import { createSqliteModels } from "./sqlite-models.js";
import { createSqlitePromotions } from "./sqlite-promotions.js";
import { createSqliteSecrets } from "./sqlite-secrets.js";
import { createSqliteSynth } from "./sqlite-synth.js";
import { createSqliteTenants } from "./sqlite-tenants.js";
import { createSqliteTickets } from "./sqlite-tickets.js";
import { createSqliteUploadBlobs } from "./sqlite-upload-blobs.js";
import { createSqliteUsage } from "./sqlite-usage.js";
import type { SyncRepositories } from "./sync-repositories.js";

/** Every repository on one migrated connection; statements are prepared once, here. */
export function createSqliteRepositories(db: Database): SyncRepositories {
  return {
    tenants: createSqliteTenants(db),
    apiKeys: createSqliteApiKeys(db),
    models: createSqliteModels(db),
    agents: createSqliteAgents(db),
    conversations: createSqliteConversations(db),
    messages: createSqliteMessages(db),
    jobs: createSqliteJobs(db),
    knowledge: createSqliteKnowledge(db),
    tickets: createSqliteTickets(db),
    usage: createSqliteUsage(db),
    secrets: createSqliteSecrets(db),
    synth: createSqliteSynth(db),
    datasets: createSqliteDatasets(db),
    evaluations: createSqliteEvaluations(db),
    promotions: createSqlitePromotions(db),
    channels: createSqliteChannels(db),
    uploads: createSqliteUploadBlobs(db),
  };
}
