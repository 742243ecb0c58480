import { z } from "zod";
import { NotFoundError } from "../../spec/errors.js";
import type { Conversation, Store } from "../../spec/store.js";
import type { RequestAuth } from "../auth/request-auth.js";
import { RequestError } from "../request-error.js";
import type { ApiDeps } from "./api-deps.js";
import { decodeCursor, encodeCursor, idParams, isoTime, listOf, pageOf, pageQuery } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";

const statusSchema = z.enum(["bot", "waiting_human", "human", "closed"]).meta({
  description:
    "`bot`: the agent answers; `waiting_human`: handed off, in the queue; `human`: a person answers",
});

export const conversationSchema = z
  .object({
    id: z.string(),
    agentId: z.string(),
    externalUserId: z.string().meta({ description: "The customer's id in the channel that reached us" }),
    status: statusSchema,
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "Conversation" });

export const messageSchema = z
  .object({
    id: z.string(),
    seq: z.int(),
    role: z.enum(["system", "user", "assistant", "tool", "human"]),
    content: z.string(),
    metadata: z
      .record(z.string(), z.unknown())
      .meta({ description: "Citations, tool calls, usage; `staff` for a person's reply" }),
    feedback: z
      .enum(["up", "down"])
      .optional()
      .meta({ description: "The customer's thumbs up or down on an answer, from the widget" }),
    createdAt: isoTime,
  })
  .meta({ id: "Message" });

const conversationWithMessagesSchema = conversationSchema
  .extend({ messages: z.array(messageSchema) })
  .meta({ id: "ConversationWithMessages" });

const listQuery = z.object({
  agent: z.string().optional().meta({ description: "An agent's name" }),
  status: statusSchema.optional(),
  ...pageQuery,
});
const queueQuery = z.object({ agent: z.string().optional().meta({ description: "An agent's name" }) });

const replySchema = z
  .object({
    text: z.string().refine((t) => t.trim() !== "", "the reply is empty"),
    staff: z.string().trim().min(1).max(200).meta({ description: "Who answers, as the customer may see it" }),
  })
  .meta({ id: "HumanReply" });

/**
 * Conversations and the human desk, for the tenant's admins: every
 * conversation of the tenant, with tool calls and their results. Another
 * tenant's answer 404, as if they did not exist. (A visitor reads its own
 * conversation, as the customer sees it, through `visitorRoutes`.)
 */
export function conversationsRoutes({ store, desk }: ApiDeps): ApiRoute[] {
  const ownConversation = async (auth: RequestAuth, id: string): Promise<Conversation> => {
    const conversation = await store.conversations.get(auth.tenantId, id);
    if (!conversation) throw new NotFoundError("conversation", id);
    return conversation;
  };
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/conversations",
      tag: "conversations",
      summary: "Conversations, newest activity last",
      access: "admin",
      query: listQuery,
      response: { description: "Oldest first, a page at a time", schema: pageOf(conversationSchema) },
      errors: [400, 404],
      async handler({ auth, query }) {
        const agentId = query.agent ? await agentIdOf(store, auth, query.agent) : undefined;
        const after = query.after === undefined ? undefined : decodeCursor(query.after);
        if (query.after !== undefined && after === undefined) {
          throw new RequestError("`after` is not a cursor from this list", {
            code: "invalid_cursor",
            status: 400,
            param: "after",
          });
        }
        // One more than the page: whether there is a next page, without counting.
        const rows = await store.conversations.list(auth.tenantId, {
          ...(agentId ? { agentId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(after ? { after } : {}),
          limit: query.limit + 1,
        });
        const data = rows.slice(0, query.limit);
        const hasMore = rows.length > query.limit;
        return { data, hasMore, next: hasMore ? encodeCursor(data.at(-1)!) : null };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/conversations/:id",
      tag: "conversations",
      summary: "A conversation with its messages",
      access: "admin",
      params: idParams,
      response: {
        description: "The conversation, messages in order",
        schema: conversationWithMessagesSchema,
      },
      errors: [404],
      async handler({ auth, params }) {
        const conversation = await ownConversation(auth, params.id);
        return { ...conversation, messages: await store.messages.list(conversation.id) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/conversations/:id/reply",
      tag: "conversations",
      summary: "Answer as a person",
      description: "The conversation becomes `human`: the agent stays silent until it is handed back.",
      access: "admin",
      params: idParams,
      body: { schema: replySchema },
      response: { status: 201, description: "The person's message", schema: messageSchema },
      errors: [400, 404, 409],
      async handler({ auth, params, body }) {
        const conversation = await ownConversation(auth, params.id);
        if (conversation.status === "closed") {
          throw new RequestError("the conversation is closed", { code: "conversation_closed", status: 409 });
        }
        return desk.reply(auth.tenantId, conversation.id, body.text, body.staff);
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/conversations/:id/hand-back",
      tag: "conversations",
      summary: "Hand the conversation back to the agent",
      access: "admin",
      params: idParams,
      response: { description: "The conversation, now `bot`", schema: conversationSchema },
      errors: [404],
      async handler({ auth, params }) {
        return desk.handBack(auth.tenantId, (await ownConversation(auth, params.id)).id);
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/conversations/:id/close",
      tag: "conversations",
      summary: "Close the conversation",
      access: "admin",
      params: idParams,
      response: { description: "The conversation, now `closed`", schema: conversationSchema },
      errors: [404],
      async handler({ auth, params }) {
        return desk.close(auth.tenantId, (await ownConversation(auth, params.id)).id);
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/handoff-queue",
      tag: "conversations",
      summary: "Conversations waiting for a person, oldest first",
      access: "admin",
      query: queueQuery,
      response: { description: "Oldest first", schema: listOf(conversationSchema) },
      errors: [404],
      async handler({ auth, query }) {
        const agentId = query.agent ? await agentIdOf(store, auth, query.agent) : undefined;
        return { data: await desk.queue(auth.tenantId, agentId) };
      },
    }),
  ];
}

/** The id of the tenant's agent of this name; 404 (param `agent`) when there is none. */
async function agentIdOf(store: Store, auth: RequestAuth, name: string): Promise<string> {
  const agent = await store.agents.getByName(auth.tenantId, name);
  if (!agent) {
    throw new RequestError(`agent not found: ${name}`, { code: "not_found", status: 404, param: "agent" });
  }
  return agent.id;
}
