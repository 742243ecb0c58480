import { z } from "zod";
import type { Conversation, Store } from "../../spec/store.js";
import { invalidApiKey } from "../auth/auth-errors.js";
import { readApiKey } from "../auth/read-api-key.js";
import { parseBody } from "../parse-body.js";
import { openSseStream } from "../sse-stream.js";
import type { ApiDeps } from "./api-deps.js";
import { conversationSchema } from "./conversations-routes.js";
import type { ApiRoute } from "./define-api-route.js";
import { refuseUnknownQuery } from "./define-api-route.js";
import { WakeSignal } from "./wake-signal.js";

const eventsQuery = z.object({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: "Send first only the conversations changed at or after this time; absent: all" }),
  wait: z.coerce.number().int().min(0).max(3600).default(300).meta({
    description: "Seconds the stream stays open after `ready` (0: the snapshot alone); then reconnect",
  }),
});

export const conversationEventSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("conversation"), conversation: conversationSchema }),
    z.object({ type: z.literal("removed"), id: z.string() }),
    z.object({ type: z.literal("ready"), at: z.string() }),
    z.object({ type: z.literal("end"), at: z.string() }),
  ])
  .meta({
    id: "ConversationEvent",
    description:
      "One `data:` line of the stream: a conversation that is new or changed (status, a new message), one that is gone, `ready` after the first snapshot, `end` before the server closes the stream (reconnect with `since` = the last `updatedAt` seen).",
  });
type ConversationEvent = z.infer<typeof conversationEventSchema>;

/** How often the stream looks for changes, in ms, without a change feed: the inbox's delay at worst. */
const pollMs = 1000;
/** With a change feed, how often it looks all the same: against a notification lost with its connection. */
const fallbackPollMs = 5000;

/**
 * `GET /api/conversation-events`: the tenant's conversations as they change,
 * as Server-Sent Events (what the console's inbox listens to; admin keys only,
 * and only the caller's tenant, which every store call here is scoped to).
 *
 * Each open stream reads the tenant's conversations from the store and sends
 * those whose status or `updatedAt` (a new message touches it) changed: the
 * store is the one source, so an event is seen whichever replica or process
 * (a turn, a person's reply, a CLI command) made the change. It reads when
 * the `changes` feed (PostgreSQL's LISTEN/NOTIFY, see ApiDeps) says the
 * tenant's conversations changed, and every 5 s all the same; without a feed
 * (SQLite) every second. The cost is a list of the tenant's conversations
 * per look per open inbox. The key is checked again before every look: a key revoked
 * while its stream is open ends the stream (`end`; the reconnection is then
 * refused). A shutting-down server ends the stream with `end` (see `OpenStreams`).
 */
export function conversationEventsRoute({ store, streams, changes }: ApiDeps): ApiRoute {
  return {
    method: "GET",
    path: "/api/conversation-events",
    tag: "conversations",
    summary: "The tenant's conversations as they change (Server-Sent Events)",
    description:
      "First every conversation changed since `since` (all without it), then `ready`, then each conversation whenever its status changes or a message is added, for `wait` seconds; then `end`. A `: ping` comment keeps a quiet stream open. Send the key in the `Authorization` header (read it with `fetch`, not `EventSource`, which cannot send one).",
    access: "admin",
    query: eventsQuery,
    response: {
      description: "`text/event-stream`, one JSON event per `data:` line",
      schema: conversationEventSchema,
      contentType: "text/event-stream",
    },
    errors: [400],
    register(app) {
      app.get(
        "/api/conversation-events",
        { config: { access: "admin" }, exposeHeadRoute: false },
        async (request, reply) => {
          if (!request.auth) throw invalidApiKey(false);
          const given = (request.query ?? {}) as Record<string, unknown>;
          refuseUnknownQuery(Object.keys(given), Object.keys(eventsQuery.shape));
          const query = parseBody(eventsQuery, given);
          const tenantId = request.auth.tenantId;
          const secret = readApiKey(request.headers);
          const stop = new AbortController();
          const unregister = streams?.open(() => stop.abort()) ?? (() => {});
          reply.raw.once("close", () => stop.abort());
          const stream = openSseStream(reply, { heartbeatMs: 15_000 });
          const send = (event: ConversationEvent) => stream.send(event);
          const woken = new WakeSignal();
          const unfollow = changes?.follow(tenantId, () => woken.wake()) ?? (() => {});
          const everyMs = changes ? fallbackPollMs : pollMs;
          try {
            const seen = new Map<string, string>();
            await sendChanges(store, tenantId, seen, send, query.since);
            await send({ type: "ready", at: new Date().toISOString() });
            const deadline = Date.now() + query.wait * 1000;
            while (Date.now() < deadline && !stop.signal.aborted && !stream.closed) {
              await woken.wait(Math.min(everyMs, Math.max(0, deadline - Date.now())), stop.signal);
              if (stop.signal.aborted || stream.closed) break;
              if (!secret || !(await store.apiKeys.verify(secret))) break;
              await sendChanges(store, tenantId, seen, send, undefined);
            }
            await send({ type: "end", at: new Date().toISOString() });
          } catch (error) {
            request.log.error({ err: error }, "conversation events failed");
          } finally {
            unfollow();
            unregister();
            stream.end();
          }
        },
      );
    },
  };
}

/**
 * Sends the conversations whose status or `updatedAt` differ from `seen`
 * (and records them), and `removed` for those seen before that are gone.
 * With `since`, a conversation not changed since then is recorded unsent.
 */
async function sendChanges(
  store: Store,
  tenantId: string,
  seen: Map<string, string>,
  send: (event: ConversationEvent) => Promise<void>,
  since: string | undefined,
): Promise<void> {
  const conversations: Conversation[] = await store.conversations.list(tenantId);
  const present = new Set<string>();
  for (const conversation of conversations) {
    present.add(conversation.id);
    const version = `${conversation.status} ${conversation.updatedAt}`;
    if (seen.get(conversation.id) === version) continue;
    seen.set(conversation.id, version);
    if (since !== undefined && Date.parse(conversation.updatedAt) < Date.parse(since)) continue;
    await send({ type: "conversation", conversation: conversationSchema.parse(conversation) });
  }
  for (const id of seen.keys()) {
    if (present.has(id)) continue;
    seen.delete(id);
    await send({ type: "removed", id });
  }
}
