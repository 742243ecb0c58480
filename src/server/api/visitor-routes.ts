import { z } from "zod";
import { phrases, pick } from "../../agents/index.js";
import { agentSpecSchema } from "../../spec/agent.js";
import { NotFoundError } from "../../spec/errors.js";
import { visitorExternalUserId } from "../auth/request-auth.js";
import { clientAddress } from "../limits/client-address.js";
import { FeedbackCap } from "../limits/feedback-cap.js";
import { RequestError } from "../request-error.js";
import { asCustomerSees, customerMessageSchema } from "../visitor/customer-message.js";
import { visitorConversation } from "../visitor/visitor-conversation.js";
import { requestOrigin, visitorMayUse } from "../visitor/visitor-may-use.js";
import { widgetSettings, widgetSettingsSchema } from "../visitor/widget-settings.js";
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
    widget: widgetSettingsSchema,
    conversation: conversationRef,
  })
  .meta({ id: "VisitorSession" });

const visitorConversationSchema = z
  .object({ conversation: conversationRef, messages: z.array(customerMessageSchema) })
  .meta({ id: "VisitorConversation" });

const feedbackParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .meta({ description: "An answer's id (`message_id` of its turn, or `id` here)" }),
});

const feedbackSchema = z
  .object({
    rating: z
      .enum(["up", "down"])
      .nullable()
      .meta({ description: "`up`: the answer helped; `down`: it did not; null takes the rating back" }),
  })
  .strict()
  .meta({ id: "AnswerFeedback" });

const ratedSchema = z
  .object({ id: z.string(), feedback: z.enum(["up", "down"]).nullable() })
  .meta({ id: "RatedAnswer" });

/**
 * What a public `chat` key (a web widget's) and the visitor tokens it gives
 * may do, besides talking to the agent in `/v1`: open a session for one
 * visitor, and read that visitor's conversation as the customer sees it: their
 * messages, the agent's answers and the staff's replies, without tool calls,
 * tool results, internal notes or server paths.
 */
export function visitorRoutes({ store, visitors, feedbackCap }: ApiDeps): ApiRoute[] {
  const cap = feedbackCap ?? new FeedbackCap();
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
        const widget = await widgetSettings({
          store,
          tenantId: auth.tenantId,
          agentId: record.id,
          spec,
          language,
        });
        return {
          token: opened.token,
          expiresAt: new Date(opened.claims.expiresAt * 1000).toISOString(),
          resumed: opened.resumed,
          agent: {
            name: record.name,
            title: spec.displayName ?? record.name,
            greeting: pick(spec.greeting, language, phrases.greeting),
          },
          widget,
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
        const { spec, conversation } = await visitorConversation(store, auth, request);
        if (!conversation) return { conversation: null, messages: [] };
        const messages = await store.messages.list(conversation.id);
        const showSources = spec.widget.showSources;
        return {
          conversation: { id: conversation.id, status: conversation.status },
          messages: messages.flatMap((message) => asCustomerSees(message, { showSources })),
        };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/visitor-sessions/current/messages/:id/feedback",
      tag: "visitors",
      summary: "Rate an answer of the visitor's conversation (thumbs up or down)",
      description:
        "Stored with the answer, for the business (`feedback` on the message). Only the agent's answers in the visitor's own open conversation may be rated; any other id answers 404. Thumbs down beyond a daily cap per visitor and per client address are stored all the same but do not teach the agent's next dataset.",
      access: "visitor",
      params: feedbackParams,
      body: { schema: feedbackSchema },
      response: { description: "The answer's rating now", schema: ratedSchema },
      errors: [400, 404],
      async handler({ auth, params, body, request }) {
        const { conversation } = await visitorConversation(store, auth, request);
        if (!conversation)
          throw new NotFoundError("message", params.id, "the visitor has no open conversation");
        const rated = await store.messages.setFeedback(conversation.id, params.id, body.rating);
        // Over the day's cap a thumbs down is kept but teaches nothing (see feedback-cap.ts); a later one that
        // counts, or another rating, lifts the mark.
        // An address is counted per site key, as the rate limits count it: one tenant's visitors never use up
        // another's allowance.
        const address = `${auth.keyId}:${clientAddress(request.ip)}`;
        const visitor = visitorExternalUserId(auth.visitor!);
        const capped = body.rating === "down" && !(await cap.admit(visitor, address, rated.id));
        if (capped || rated.metadata.feedbackCapped === true)
          await store.messages.annotate(conversation.id, rated.id, { feedbackCapped: capped ? true : null });
        return { id: rated.id, feedback: rated.feedback ?? null };
      },
    }),
  ];
}
