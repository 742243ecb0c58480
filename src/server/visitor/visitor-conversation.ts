import type { FastifyRequest } from "fastify";
import { type AgentSpec, agentSpecSchema } from "../../spec/agent.js";
import type { Conversation, Store } from "../../spec/store.js";
import { invalidVisitorToken } from "../auth/auth-errors.js";
import { type RequestAuth, visitorExternalUserId } from "../auth/request-auth.js";
import { RequestError } from "../request-error.js";
import { requestOrigin, visitorMayUse } from "./visitor-may-use.js";

/**
 * The one conversation a visitor token reaches: its visitor's open
 * conversation with its agent (undefined before the first message or once
 * closed), and the agent's spec as it is now. Throws 400 for a caller that is
 * not a visitor (an admin names conversations by id instead), and 401 when the
 * agent is gone, its widget turned off, or the page's origin no longer allowed.
 */
export async function visitorConversation(
  store: Store,
  auth: RequestAuth,
  request: FastifyRequest,
): Promise<{ spec: AgentSpec; conversation: Conversation | undefined }> {
  const visitor = auth.visitor;
  if (!visitor) {
    throw new RequestError("this route is a visitor's own conversation: call it with a visitor token", {
      code: "invalid_request",
      status: 400,
      hint: "an admin reads any conversation with GET /api/conversations/{id}",
    });
  }
  const agent = await store.agents.get(auth.tenantId, visitor.agentId);
  if (!agent) throw invalidVisitorToken();
  const spec = agentSpecSchema.parse(agent.spec);
  if (!visitorMayUse(spec, requestOrigin(request.headers))) throw invalidVisitorToken();
  const conversation = await store.conversations.findOpen(
    auth.tenantId,
    visitor.agentId,
    visitorExternalUserId(visitor),
  );
  return { spec, conversation };
}
