import type { InjectOptions } from "fastify";
import type { TestTenant } from "./api-server.fixture.js";

/**
 * The route table of the tenant isolation suite (tenant-isolation.test.ts):
 * one case per route the server registers, keyed `METHOD /path` as Fastify
 * lists it, saying how a call with another tenant's key must be answered.
 * A route added without a case here fails the suite.
 */

/** What a tenant has, and the strings that must never reach another tenant. */
export interface Holdings {
  keys: TestTenant;
  agentName: string;
  agentId: string;
  sourceId: string;
  conversationId: string;
  widgetConversationId: string;
  /** The agent's answer in the widget conversation, which only its visitor may rate. */
  widgetAnswerId: string;
  /** A visitor token of the tenant's chat key, for its agent: the widget conversation is this visitor's. */
  visitor: string;
  keyIds: string[];
  /** The agent's Telegram channel. */
  channelId: string;
  /** A distillation loop of the agent, paused before promotion. */
  distillJobId: string;
  /** A queued knowledge upload of the agent (`Prefer: respond-async`), left queued: no runner here. */
  ingestJobId: string;
  markers: string[];
}

/** `unsigned`: a provider's webhook, public, refusing any call without the channel's signature (401). */
type Expect = "deny" | "own" | "unsigned";
interface Case {
  expect: Expect;
  request(victim: Holdings): InjectOptions;
  /**
   * A read the victim's own admin key must be answered (2xx): proof that a
   * refusal to the other tenant comes from the tenant check, not from a
   * request that could never have worked.
   */
  control?: boolean;
}

const deny = (request: Case["request"], options: { control?: boolean } = {}): Case => ({
  expect: "deny",
  request,
  ...options,
});
const own = (request: Case["request"]): Case => ({ expect: "own", request });
const unsigned = (request: Case["request"]): Case => ({ expect: "unsigned", request });
const control = { control: true };

export const cases: Record<string, Case> = {
  "GET /api/tenant": own(() => ({ url: "/api/tenant" })),
  "POST /api/tenants": own(() => ({
    method: "POST",
    url: "/api/tenants",
    payload: { slug: `made-${Math.random().toString(36).slice(2, 10)}`, name: "Made" },
  })),
  "GET /api/keys": own(() => ({ url: "/api/keys" })),
  "POST /api/keys": own(() => ({
    method: "POST",
    url: "/api/keys",
    payload: { name: "mine", scopes: ["chat"] },
  })),
  "DELETE /api/keys/:id": deny((v) => ({ method: "DELETE", url: `/api/keys/${v.keyIds[0]}` })),
  "GET /api/agents": own(() => ({ url: "/api/agents" })),
  "GET /api/agents/:name": deny((v) => ({ url: `/api/agents/${v.agentName}` }), control),
  // Creates an agent of that name in the caller's own tenant (removed after each run): the victim's is untouched.
  "PUT /api/agents/:name": own((v) => ({
    method: "PUT",
    url: `/api/agents/${v.agentName}`,
    payload: { persona: "An impostor." },
  })),
  "DELETE /api/agents/:name": deny((v) => ({ method: "DELETE", url: `/api/agents/${v.agentName}` })),
  "GET /api/agents/:name/versions": deny((v) => ({ url: `/api/agents/${v.agentName}/versions` }), control),
  "GET /api/agents/:name/versions/:n": deny(
    (v) => ({ url: `/api/agents/${v.agentName}/versions/1` }),
    control,
  ),
  // Another tenant's agent is not found: no call is made in its name.
  "POST /api/agents/:name/tools/test": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/tools/test`,
    payload: { tool: "order_status", arguments: {} },
  })),
  "POST /api/agents/:name/knowledge": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/knowledge`,
    payload: upload(),
  })),
  "GET /api/agents/:name/knowledge": deny((v) => ({ url: `/api/agents/${v.agentName}/knowledge` }), control),
  "GET /api/agents/:name/knowledge/:sourceId/chunks": deny(
    (v) => ({ url: `/api/agents/${v.agentName}/knowledge/${v.sourceId}/chunks` }),
    control,
  ),
  "GET /api/agents/:name/knowledge/search": deny(
    (v) => ({ url: `/api/agents/${v.agentName}/knowledge/search?q=sourdough` }),
    control,
  ),
  "DELETE /api/agents/:name/knowledge/:sourceId": deny((v) => ({
    method: "DELETE",
    url: `/api/agents/${v.agentName}/knowledge/${v.sourceId}`,
  })),
  "GET /api/conversations": own(() => ({ url: "/api/conversations" })),
  "POST /api/visitor-sessions": deny(
    (v) => ({ method: "POST", url: "/api/visitor-sessions", payload: { agent: v.agentName } }),
    control,
  ),
  "GET /api/visitor-sessions/current": own(() => ({ url: "/api/visitor-sessions/current" })),
  // Keys are told to use a visitor token (400), another visitor's answer is not found (404): the victim's
  // answer keeps no rating (the snapshot after the run compares every message, its feedback included).
  "POST /api/visitor-sessions/current/messages/:id/feedback": own((v) => ({
    method: "POST",
    url: `/api/visitor-sessions/current/messages/${v.widgetAnswerId}/feedback`,
    payload: { rating: "down" },
  })),
  "GET /api/conversations/:id": deny(
    (v) => ({ url: `/api/conversations/${v.widgetConversationId}` }),
    control,
  ),
  "POST /api/conversations/:id/reply": deny((v) => ({
    method: "POST",
    url: `/api/conversations/${v.conversationId}/reply`,
    payload: { text: "I am not who you think", staff: "Mallory" },
  })),
  "POST /api/conversations/:id/hand-back": deny((v) => ({
    method: "POST",
    url: `/api/conversations/${v.conversationId}/hand-back`,
  })),
  "POST /api/conversations/:id/close": deny((v) => ({
    method: "POST",
    url: `/api/conversations/${v.conversationId}/close`,
  })),
  "GET /api/handoff-queue": own(() => ({ url: "/api/handoff-queue" })),
  "GET /api/agents/:name/channels": deny((v) => ({ url: `/api/agents/${v.agentName}/channels` }), control),
  "POST /api/agents/:name/channels": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/channels`,
    payload: {
      kind: "whatsapp",
      settings: { phoneNumberId: "1" },
      secrets: { accessToken: "x".repeat(12), appSecret: "y".repeat(12) },
    },
  })),
  "POST /api/agents/:name/channels/:id/test": deny((v) => ({
    method: "POST",
    url: `/api/agents/${v.agentName}/channels/${v.channelId}/test`,
  })),
  "DELETE /api/agents/:name/channels/:id": deny((v) => ({
    method: "DELETE",
    url: `/api/agents/${v.agentName}/channels/${v.channelId}`,
  })),
  // A key opens nothing here: only the provider's signature does.
  "GET /channels/:channelId/webhook": unsigned((v) => ({
    url: `/channels/${v.channelId}/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`,
  })),
  "POST /channels/:channelId/webhook": unsigned((v) => ({
    method: "POST",
    url: `/channels/${v.channelId}/webhook`,
    payload: { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1 }, text: "planted" } },
  })),
  // The snapshot alone (`wait=0`): the caller's own conversations, never the victim's.
  "GET /api/conversation-events": own(() => ({ url: "/api/conversation-events?wait=0" })),
  // The server's catalog, the same for every tenant (as `/v1/models`).
  "GET /api/models": own(() => ({ url: "/api/models" })),
  // Adding to it is the operator's alone (403 `operator_only` to the other tenant); the operator's own calls here
  // fail harmlessly: a file that is not there, a port where nothing listens, a reference that names no file.
  "POST /api/models": own(() => ({
    method: "POST",
    url: "/api/models",
    payload: { kind: "gguf", name: "planted", path: "/nonexistent/planted.gguf" },
  })),
  "POST /api/models/test-connection": own(() => ({
    method: "POST",
    url: "/api/models/test-connection",
    payload: { url: "http://127.0.0.1:9/v1" },
  })),
  "POST /api/model-downloads": own(() => ({
    method: "POST",
    url: "/api/model-downloads",
    payload: { name: "planted", hf: "owner/repo" },
  })),
  "GET /api/model-downloads": own(() => ({ url: "/api/model-downloads" })),
  "GET /api/model-downloads/:id": deny(() => ({ url: "/api/model-downloads/no-such-download" })),
  "DELETE /api/model-downloads/:id": deny(() => ({
    method: "DELETE",
    url: "/api/model-downloads/no-such-download",
  })),
  "GET /api/distill/jobs": own(() => ({ url: "/api/distill/jobs" })),
  "GET /api/knowledge/jobs": own(() => ({ url: "/api/knowledge/jobs" })),
  "GET /api/knowledge/jobs/:id": deny((v) => ({ url: `/api/knowledge/jobs/${v.ingestJobId}` }), control),
  "GET /api/distill/scorecards": own(() => ({ url: "/api/distill/scorecards" })),
  "POST /api/distill/jobs/:id/resume": deny((v) => ({
    method: "POST",
    url: `/api/distill/jobs/${v.distillJobId}/resume`,
  })),
  // Operator only: another tenant's key is refused before the body is read, and nothing is queued.
  "POST /api/distill/loops": deny((v) => ({
    method: "POST",
    url: "/api/distill/loops",
    payload: { agent: v.agentName, teacher: "teacher-70b", base: "qwen2.5-0.5b" },
  })),
  "GET /api/usage": own(() => ({ url: "/api/usage" })),
  "GET /api/conversation-languages": own(() => ({ url: "/api/conversation-languages" })),
  "GET /api/openapi.json": own(() => ({ url: "/api/openapi.json" })),
  "GET /healthz": own(() => ({ url: "/healthz" })),
  // The console's static files: public, the same for every caller (its data comes from `/api`).
  "GET /console": own(() => ({ url: "/console" })),
  "GET /console/": own(() => ({ url: "/console/" })),
  "GET /console/assets/:file": own(() => ({ url: "/console/assets/missing-file.js" })),
  "GET /readyz": own(() => ({ url: "/readyz" })),
  "GET /metrics": own(() => ({ url: "/metrics" })),
  "GET /v1/models": own(() => ({ url: "/v1/models" })),
  "GET /v1/models/:model": deny((v) => ({ url: `/v1/models/agent:${v.agentName}` }), control),
  "POST /v1/chat/completions": deny(
    (v) => ({
      method: "POST",
      url: "/v1/chat/completions",
      payload: {
        model: `agent:${v.agentName}`,
        user: "visitor",
        messages: [{ role: "user", content: "what did others ask?" }],
      },
    }),
    control,
  ),
  "POST /v1/embeddings": deny((v) => ({
    method: "POST",
    url: "/v1/embeddings",
    payload: { model: `agent:${v.agentName}`, input: "hola" },
  })),
};

function upload(): FormData {
  const form = new FormData();
  form.append("file", new Blob(["# Planted\n\nThis should never land in another tenant.\n"]), "planted.md");
  return form;
}
