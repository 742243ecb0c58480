import { randomUUID } from "node:crypto";
import { type LoadedAgent, MAX_MESSAGE_CHARS } from "../../agents/index.js";
import { redactPii } from "../../safety/redact-pii.js";
import type { Store } from "../../spec/store.js";
import { textOf } from "./agent-request.js";
import type { ChatMessage } from "./chat-completion-request.js";

/** At most this many of the request's earlier messages are kept (the newest): a turn's prompt holds no more. */
export const STATELESS_HISTORY_LIMIT = 40;

/** Metadata of the messages copied from a request: the client wrote them, the agent did not say them here. */
export const FROM_REQUEST = { origin: "request" } as const;

/** One message of a stateless turn's history, as it will be stored. */
export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
}

export interface StatelessConversation {
  /** What the turn runs under: unique to this request, never one a `user` can name while it is open. */
  externalUserId: string;
  conversationId: string;
  /** Closes the conversation: nothing can continue it. */
  close(): Promise<void>;
}

/**
 * A stateless agent turn's history, for a request that names no customer (no
 * `user`, no `x-alambique-user`): as with OpenAI's own API, the conversation
 * is the `messages` the request sent. Its earlier `user` and `assistant` text
 * messages (before the last `user` one, which is the turn's new message; at
 * most `STATELESS_HISTORY_LIMIT`, the newest). System and developer messages
 * are left out (the agent has its own instructions), as are tool messages and
 * calls (it has its own tools). Every message kept is masked (`redactPii`)
 * when the agent masks PII, the client's "assistant" messages too, and cut to
 * `MAX_MESSAGE_CHARS`.
 */
export function statelessHistory(
  agent: LoadedAgent,
  messages: readonly ChatMessage[],
  newMessageIndex: number,
): HistoryMessage[] {
  const mask = agent.spec.guardrails.redactPii;
  // The newest messages first, and only those kept are masked: masking a whole 4 MB body would block the loop.
  const kept: HistoryMessage[] = [];
  for (let i = newMessageIndex - 1; i >= 0 && kept.length < STATELESS_HISTORY_LIMIT; i--) {
    const message = messages[i]!;
    if (message.role !== "user" && message.role !== "assistant") continue;
    const text = textOf(message).slice(0, MAX_MESSAGE_CHARS);
    if (text.trim() === "") continue;
    // Both sides are masked: the client wrote the "assistant" messages too, and they are stored and shown to the model.
    kept.push({ role: message.role, content: mask ? redactPii(text).text : text });
  }
  return kept.reverse();
}

/**
 * Stores a stateless turn's `history` (see `statelessHistory`), each message
 * marked `metadata.origin = "request"`, as a conversation of its own under
 * `<keyPrefix>stateless:<random id>`; the turn runs on it like any other, and
 * `close()` closes it afterwards. So the turn is the agent's real turn (tools,
 * tickets and handoffs refer to a real conversation the team can read), the
 * record is there for the console and usage, and no later request can
 * continue it: a client keeps the conversation by sending it again, or names
 * its customer with `user` to have the server keep it. No metadata is copied
 * from the request: a proposal awaiting the customer's confirmation cannot be
 * forged into the history, so a stateless turn never confirms a call.
 */
export async function openStatelessConversation(input: {
  store: Store;
  agent: LoadedAgent;
  /** `key:<keyId>:` for an API key's requests; empty without auth. */
  keyPrefix: string;
  history: readonly HistoryMessage[];
}): Promise<StatelessConversation> {
  const { store, agent } = input;
  const externalUserId = `${input.keyPrefix}stateless:${randomUUID()}`;
  const conversation = await store.transaction(async (tx) => {
    const created = await tx.conversations.create({
      tenantId: agent.tenantId,
      agentId: agent.id,
      externalUserId,
    });
    for (const message of input.history) {
      await tx.messages.append({ conversationId: created.id, ...message, metadata: { ...FROM_REQUEST } });
    }
    return created;
  });
  return {
    externalUserId,
    conversationId: conversation.id,
    close: async () => {
      await store.conversations.setStatus(agent.tenantId, conversation.id, "closed");
    },
  };
}
