import type { AgentRuntime } from "../../agents/agent-runtime.js";
import type { ConversationDesk } from "../../agents/conversation-desk.js";
import type { ModelResolver } from "../../spec/models.js";
import type { Store } from "../../spec/store.js";
import type { TokenBudget } from "../limits/token-budget.js";

/** What the `/api` routes work with. */
export interface ApiDeps {
  store: Store;
  models: ModelResolver;
  desk: ConversationDesk;
  /** Where uploads are staged (one fresh folder per request, removed after it). */
  uploadDir: string;
  /** Largest accepted uploaded file, in bytes. */
  maxUploadBytes: number;
  /** Most files in one upload. */
  maxUploadFiles: number;
  /** The runtime serving agents, told when one is replaced or removed (it closes the agent's MCP sessions). */
  agents?: AgentRuntime;
  /** The daily token budgets, for the tenant's usage in `GET /api/tenant`. */
  budget?: TokenBudget;
}
