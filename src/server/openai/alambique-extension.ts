import type { TurnResult } from "../../agents/index.js";

/**
 * What Alambique adds to a chat completion choice, as a non-standard
 * `alambique` field (on `choices[0]` of a completion, and of a stream's
 * last chunk with a finish reason). OpenAI's clients keep unknown fields and
 * ignore them, so a plain client still works and one that knows can read them.
 */
export interface AlambiqueChoiceExtension {
  /** The server ended this stream early because it is shutting down; the text so far is all there is. */
  interrupted?: "server_shutdown";
  /** Agent turns (`model: "agent:<name>"`): the conversation the turn belongs to. */
  conversation_id?: string;
  /** `bot`, `waiting_human` (handed off), `human` (a person answers; the agent said nothing) or `closed`. */
  status?: string;
  /** How the agent answered: `model`, `retrieval`, `handoff`, `human`, `refusal`, `too_long`, `small_talk`. */
  mode?: string;
  language?: string;
  /** The sources the reply cites (`[S1]`… in the text). */
  citations?: { id: string; chunk_id: string; uri: string; location: string }[];
  /** The stored assistant message, or null when there was no reply. */
  message_id?: string | null;
  /**
   * The request sent no `user`: the conversation was the request's `messages`,
   * kept as a closed conversation of its own (see `openStatelessConversation`).
   */
  stateless?: true;
}

/** An agent turn's extension; `stateless` when the turn had no `user`. */
export function agentExtension(
  turn: TurnResult,
  options: { stateless?: boolean } = {},
): AlambiqueChoiceExtension {
  return {
    ...(options.stateless ? { stateless: true as const } : {}),
    conversation_id: turn.conversationId,
    status: turn.status,
    mode: turn.mode,
    language: turn.language,
    citations: turn.citations.map((c) => ({
      id: c.id,
      chunk_id: c.chunkId,
      uri: c.uri,
      location: c.location,
    })),
    message_id: turn.messageId,
  };
}
