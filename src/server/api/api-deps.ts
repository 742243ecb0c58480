import type { AgentRuntime, ConversationDesk } from "../../agents/index.js";
import type { ChannelHub } from "../../channels/channel-hub.js";
import type { IngestLimitsInput } from "../../knowledge/ingest-limits.js";
import type { ChangeFeed } from "../../spec/change-feed.js";
import type { ModelResolver } from "../../spec/models.js";
import type { Store } from "../../spec/store.js";
import type { FeedbackCap } from "../limits/feedback-cap.js";
import type { TokenBudget } from "../limits/token-budget.js";
import type { OpenStreams } from "../ops/open-streams.js";
import type { VisitorSessions } from "../visitor/visitor-sessions.js";

/** What the `/api` routes work with. */
export interface ApiDeps {
  store: Store;
  models: ModelResolver;
  desk: ConversationDesk;
  /** Opens and checks the sessions public chat keys give visitors. */
  visitors: VisitorSessions;
  /** Where uploads are staged (one fresh folder per request, removed after it). */
  uploadDir: string;
  /** Where models added over `/api` from Hugging Face are downloaded (`<data>/models`); default: the system's temp folder. */
  modelsDir?: string;
  /** Largest accepted uploaded file, in bytes. */
  maxUploadBytes: number;
  /** Most files in one upload. */
  maxUploadFiles: number;
  /** Bound on the bytes one tenant's queued uploads hold in the store; default `defaultMaxQueuedUploadBytes`. */
  maxQueuedUploadBytes?: number;
  /** What reading uploaded documents may cost (`knowledge.limits`); the defaults for what is left out. */
  ingestLimits?: IngestLimitsInput;
  /** The runtime serving agents, told when one is replaced or removed (it closes the agent's MCP sessions). */
  agents?: AgentRuntime;
  /** Channels (WhatsApp, Telegram) of agents, when the server serves agents. */
  channels?: ChannelHub;
  /** The daily token budgets, for the tenant's usage in `GET /api/tenant`. */
  budget?: TokenBudget;
  /** The daily caps on visitors' thumbs down (shared by replicas on PostgreSQL); default one of this process. */
  feedbackCap?: FeedbackCap;
  /** Where long-lived streams (`/api/conversation-events`) register, so that a shutdown ends them. */
  streams?: OpenStreams;
  /** Wakes live streams when another replica changes a tenant's conversations (PostgreSQL); without it they poll. */
  changes?: ChangeFeed;
}
