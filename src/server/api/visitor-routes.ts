import { z } from "zod";
import { phrases, pick } from "../../agents/index.js";
import { sourceDisplayName } from "../../safety/source-display-name.js";
import { agentSpecSchema } from "../../spec/agent.js";
import { NotFoundError } from "../../spec/errors.js";
import type { Message } from "../../spec/store.js";
import { invalidVisitorToken } from "../auth/auth-errors.js";
import { visitorExternalUserId } from "../auth/request-auth.js";
import { RequestError } from "../request-error.js";
import { requestOrigin, visitorMayUse } from "../visitor/visitor-may-use.js";
import type { ApiDeps } from "./api-deps.js";
import { isoTime } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";

const openSessionSchema = z
  .object({
    agent: z.string().min(1).max(64).meta({ description: "The agent's name" }),
    language: z
      .string()
      .regex(/^[a-z]{2}$/)
      .optional()
      .meta({ description: "The page's language (ISO 639-1), for the greeting" }),
    resume: z.string().max(2048).optional().meta({
      description:
        "A token this site was given before (expired or not): the same visitor, and so the same conversation, continues when it is still resumable",
    }),
  })
  .meta({ id: "OpenVisitorSession" });

const conversationRef = z
  .object({ id: z.string(), status: z.enum(["bot", "waiting_human", "human", "closed"]) })
  .nullable()
  .meta({ description: "The visitor's open conversation with the agent; null before the first message" });

const sessionSchema = z
  .object({
    token: z.string().meta({
      description:
        "A visitor token (`alv_…`): send it as `Authorization: Bearer …` to `/v1/chat/completions` (this agent only) and to `GET /api/visitor-sessions/current`. Ask for a new session before `expiresAt`, passing it as `resume`.",
    }),
    expiresAt: isoTime,
    resumed: z.boolean().meta({ description: "Whether `resume` continued an earlier session" }),
    agent: z.object({ name: z.string(), title: z.string(), greeting: z.string() }),
    conversation: conversationRef,
  })
  .meta({ id: "VisitorSession" });

const customerMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(["user", "assistant", "human"]).meta({
      description: "`user`: the visitor; `assistant`: the agent; `human`: a person of the business",
    }),
    content: z.string(),
    staff: z.string().nullable().meta({ description: "Who answered, for a person's message" }),
    sources: z.array(z.string()).meta({ description: "The documents an answer cites, by file name" }),
    createdAt: isoTime,
  })
  .meta({ id: "CustomerMessage" });

const visitorConversationSchema = z
  .object({ conversation: conversationRef, messages: z.array(customerMessageSchema) })
  .meta({ id: "VisitorConversation" });

/**
 * What a public `chat` key (a web widget's) and the visitor tokens it gives
 * may do, besides talking to the agent in `/v1`: open a session for one
 * visitor, and read that visitor's conversation as the customer sees it: their
 * messages, the agent's answers and the staff's replies, without tool calls,
 * tool results, internal notes or server paths.
 */
export function visitorRoutes({ store, visitors }: ApiDeps): ApiRoute[] {
  return [
    defineApiRoute({
      method: "POST",
      path: "/api/visitor-sessions",
      tag: "visitors",
      summary: "Open (or renew) a visitor's session with an agent",
      description:
        "For a web widget: its public `chat` key gives each visitor a short-lived token bound to one agent and one conversation, for agents whose spec has `widget.enabled` (others answer 404). When the agent lists `widget.origins`, only pages on those origins may open sessions, and the token works only from the origin it was opened from.",
      access: "chat",
      body: { schema: openSessionSchema },
      response: { status: 201, description: "The visitor's token", schema: sessionSchema },
      errors: [400, 403, 404],
      async handler({ auth, body, request }) {
        const record = await findAgent(store, auth.tenantId, body.agent);
        const spec = agentSpecSchema.parse(record.spec);
        const origin = requestOrigin(request.headers);
        // An agent not on the web is as absent to a public key as one that does not exist.
        if (!spec.widget.enabled)
          throw new NotFoundError("agent", body.agent, "GET /api/agents lists this tenant's agents");
        if (!visitorMayUse(spec, origin)) {
          throw new RequestError(`This site may not open sessions with the agent ${record.name}`, {
            code: "origin_not_allowed",
            status: 403,
            hint: "add the page's origin (scheme, host and port) to the agent's `widget.origins`",
          });
        }
        const opened = await visitors.open({
          tenantId: auth.tenantId,
          keyId: auth.keyId,
          agentId: record.id,
          origin,
          resume: body.resume,
        });
        const conversation = await store.conversations.findOpen(
          auth.tenantId,
          record.id,
          visitorExternalUserId(opened.claims),
        );
        const language =
          body.language && spec.languages.includes(body.language)
            ? body.language
            : (spec.languages[0] ?? "en");
        return {
          token: opened.token,
          expiresAt: new Date(opened.claims.expiresAt * 1000).toISOString(),
          resumed: opened.resumed,
          agent: {
            name: record.name,
            title: spec.displayName ?? record.name,
            greeting: pick(spec.greeting, language, phrases.greeting),
          },
          conversation: conversation ? { id: conversation.id, status: conversation.status } : null,
        };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/visitor-sessions/current",
      tag: "visitors",
      summary: "The visitor's conversation, as the customer sees it",
      access: "visitor",
      response: { description: "Messages in order", schema: visitorConversationSchema },
      errors: [400],
      async handler({ auth, request }) {
        const visitor = auth.visitor;
        if (!visitor) {
          throw new RequestError(
            "this route reads a visitor's own conversation: call it with a visitor token",
            {
              code: "invalid_request",
              status: 400,
              hint: "an admin reads any conversation with GET /api/conversations/{id}",
            },
          );
        }
        const agent = await store.agents.get(auth.tenantId, visitor.agentId);
        const origin = requestOrigin(request.headers);
        if (!agent || !visitorMayUse(agentSpecSchema.parse(agent.spec), origin)) throw invalidVisitorToken();
        const conversation = await store.conversations.findOpen(
          auth.tenantId,
          visitor.agentId,
          visitorExternalUserId(visitor),
        );
        if (!conversation) return { conversation: null, messages: [] };
        const messages = await store.messages.list(conversation.id);
        return {
          conversation: { id: conversation.id, status: conversation.status },
          messages: messages.flatMap(asCustomerSees),
        };
      },
    }),
  ];
}

/**
 * A stored message as its customer may read it, or nothing: system and tool
 * messages are the operator's; of the rest, only the text, who wrote it, and
 * the cited documents' file names (never their paths).
 */
function asCustomerSees(message: Message): z.input<typeof customerMessageSchema>[] {
  if (message.role !== "user" && message.role !== "assistant" && message.role !== "human") return [];
  const staff =
    message.role === "human" && typeof message.metadata.staff === "string" ? message.metadata.staff : null;
  return [
    {
      id: message.id,
      role: message.role,
      content: message.content,
      staff,
      sources: message.role === "assistant" ? citedFiles(message.metadata.citations) : [],
      createdAt: message.createdAt,
    },
  ];
}

function citedFiles(citations: unknown): string[] {
  if (!Array.isArray(citations)) return [];
  const names = new Set<string>();
  for (const citation of citations) {
    const uri = (citation as { uri?: unknown } | null)?.uri;
    if (typeof uri === "string") names.add(sourceDisplayName(uri));
  }
  return [...names];
}
