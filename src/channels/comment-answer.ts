import type { TurnResult } from "../agents/turn/turn-types.js";
import type { Channel } from "../spec/channel.js";
import type { Store } from "../spec/store.js";
import { asksSomethingPrivate, holdsPersonalData, publicReplyText } from "./public-reply.js";
import { queueOutbound } from "./queue-outbound.js";

/**
 * Whether the answer to a public comment must go privately: the comment asks
 * about something of its author's own (an order, an account) or holds
 * personal data, the answer holds personal data, the agent used a tool (an
 * order lookup, a booking: their results are the customer's), or the turn
 * handed the conversation to a person (what the handoff says is not for the
 * post's readers).
 */
export function answerPrivately(
  comment: string,
  answer: string,
  result: Pick<TurnResult, "mode" | "toolCalls">,
): boolean {
  return (
    result.mode === "handoff" ||
    result.mode === "human" ||
    result.toolCalls.length > 0 ||
    asksSomethingPrivate(comment) ||
    holdsPersonalData(comment) ||
    holdsPersonalData(answer)
  );
}

/** The public line under a comment answered privately, in the turn's language. */
export function sentPrivatelyNotice(language: string): string {
  return language === "en"
    ? "Hi! We've sent you a private message 📩"
    : "¡Hola! Te hemos enviado un mensaje privado 📩";
}

/**
 * Comment mode's answer (see `answerPrivately`): either one short public
 * reply under the comment (personal data masked, at most
 * `PUBLIC_REPLY_MAX_CHARS`), or the answer as Meta's private reply to the
 * comment's author (one message: Meta takes one private reply per comment,
 * so it is cut to one part) and a public line saying so. Keyed by `key` as
 * `queueOutbound` keys, so a retried turn queues nothing twice.
 */
export async function queueCommentAnswer(
  store: Store,
  channel: Channel,
  channelId: string,
  key: string,
  input: { conversationId: string; contactId: string; comment: string; answer: string; result: TurnResult },
): Promise<{ privately: boolean }> {
  const base = { conversationId: input.conversationId, contactId: input.contactId, origin: "agent" as const };
  if (!answerPrivately(input.comment, input.answer, input.result)) {
    await queueOutbound(store, channel, channelId, `${key}:public`, {
      ...base,
      markdown: publicReplyText(input.answer),
    });
    return { privately: false };
  }
  await queueOutbound(store, channel, channelId, `${key}:private`, {
    ...base,
    markdown: fitOneMessage(input.answer, channel),
    privately: true,
  });
  await queueOutbound(store, channel, channelId, `${key}:public`, {
    ...base,
    markdown: sentPrivatelyNotice(input.result.language),
  });
  return { privately: true };
}

function fitOneMessage(text: string, channel: Channel): string {
  const max = Math.floor(channel.limits.maxTextChars / 2);
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
