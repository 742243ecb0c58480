/**
 * The shapes the console reads from `/api`, taken from the zod schemas the
 * server validates and documents with (`/api/openapi.json` is generated from
 * the same ones). Type-only imports: nothing of the server is bundled, and a
 * change of a route's schema breaks the console's type check, not its users.
 */
import type { z } from "zod";
import type {
  agentVersionSchema,
  agentVersionSummarySchema,
} from "../../../../src/server/api/agent-versions-routes.js";
import type { agentSchema } from "../../../../src/server/api/agents-routes.js";
import type { catalogModelSchema } from "../../../../src/server/api/catalog-route.js";
import type { conversationEventSchema } from "../../../../src/server/api/conversation-events-route.js";
import type { conversationLanguageSchema } from "../../../../src/server/api/conversation-languages-route.js";
import type { conversationSchema, messageSchema } from "../../../../src/server/api/conversations-routes.js";
import type {
  startDistillLoopSchema,
  startedDistillLoopSchema,
} from "../../../../src/server/api/distill-loops-route.js";
import type { distillJobSchema, scorecardSummarySchema } from "../../../../src/server/api/distill-routes.js";
import type { apiKeySchema } from "../../../../src/server/api/keys-routes.js";
import type {
  chunkPreviewSchema,
  knowledgeSearchSchema,
} from "../../../../src/server/api/knowledge-read-routes.js";
import type {
  ingestReportSchema,
  knowledgeSourceSchema,
} from "../../../../src/server/api/knowledge-routes.js";
import type { tenantSchema } from "../../../../src/server/api/tenants-routes.js";
import type { toolTestSchema } from "../../../../src/server/api/tool-test-route.js";
import type { usageSchema } from "../../../../src/server/api/usage-routes.js";
import type { AlambiqueChoiceExtension } from "../../../../src/server/openai/alambique-extension.js";

export type Agent = z.output<typeof agentSchema>;
export type AgentVersionSummary = z.output<typeof agentVersionSummarySchema>;
export type AgentVersion = z.output<typeof agentVersionSchema>;
export type Conversation = z.output<typeof conversationSchema>;
export type Message = z.output<typeof messageSchema>;
export type ConversationWithMessages = Conversation & { messages: Message[] };
export type ConversationLanguage = z.output<typeof conversationLanguageSchema>;
export type ConversationEvent = z.output<typeof conversationEventSchema>;
export type KnowledgeSource = z.output<typeof knowledgeSourceSchema>;
export type IngestReport = z.output<typeof ingestReportSchema>;
export type ChunkPreview = z.output<typeof chunkPreviewSchema>;
export type KnowledgeSearch = z.output<typeof knowledgeSearchSchema>;
export type { IngestProgress } from "../../../../src/knowledge/ingest-sources.js";
export type ApiKey = z.output<typeof apiKeySchema>;
export type Tenant = z.output<typeof tenantSchema> & {
  usage: { day: string; tokens: number; dailyLimit: number | null };
};
export type DistillJob = z.output<typeof distillJobSchema>;
export type ScorecardSummary = z.output<typeof scorecardSummarySchema>;
export type StartDistillLoop = z.input<typeof startDistillLoopSchema>;
export type StartedDistillLoop = z.output<typeof startedDistillLoopSchema>;
export type Usage = z.output<typeof usageSchema>;
export type ToolTest = z.output<typeof toolTestSchema>;
export type AgentTurnExtension = AlambiqueChoiceExtension;
export type CatalogEntry = z.output<typeof catalogModelSchema>;
export interface CatalogModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}
