import type { AgentRuntime } from "../agents/agent-runtime.js";
import type { TurnResult } from "../agents/turn/turn-types.js";
import { channelExternalUserId, type InboundEvent, parseCommentContactId } from "../spec/channel.js";
import { errorMarker, hasErrorMarker } from "../spec/errors.js";
import type { ChannelInboundRow, Store } from "../spec/store.js";
import { queueCommentAnswer } from "./comment-answer.js";
import type { OpenedChannels } from "./opened-channels.js";
import { queueOutbound } from "./queue-outbound.js";

/**
 * What a turn may spend, as the server's limits decide: the contact's rate
 * (a widget visitor's), the tenant's daily tokens and the model's queue.
 * `done` gives back what was held and counts what was used.
 */
export type AdmitTurn = (input: {
  tenantId: string;
  /** The contact, as the rate limit counts it. */
  contactKey: string;
  model: string | undefined;
  chars: number;
}) => Promise<
  { admitted: true; done(usedTokens: number): void } | { admitted: false; reason: string; retryable: boolean }
>;

const notAdmittedMarker = errorMarker("TurnNotAdmitted");

/**
 * A turn that did not run: `retryable` (the budget or the queue is full) comes
 * back when its lease ends; otherwise (a contact over its rate) it is dropped.
 */
export class TurnNotAdmitted extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    Object.defineProperty(this, notAdmittedMarker, { value: true });
  }

  static isInstance(value: unknown): value is TurnNotAdmitted {
    return hasErrorMarker(value, notAdmittedMarker);
  }
}

/** The answer's text as the customer may read it (no citation markers, no file names), with its sources' titles. */
export type CustomerAnswer = (result: TurnResult, options: { showSources: boolean }) => string;

/**
 * Runs the agent's turn for one queued inbound event and queues its answer
 * for the customer's channel. The conversation is the contact's own on this
 * channel (`channel:<id>:<contact>`), so a handoff, a person's reply and the
 * hand-back work as in the widget: while a person holds it, the turn stores
 * the message and answers nothing. A message that is not text reaches the
 * agent as a sentence saying what arrived. Delivery statuses are recorded in
 * the log only. The channel is opened through `channels`, shared with the
 * sender, so a turn does not decrypt the channel's secrets again.
 */
export async function runChannelTurn(
  deps: {
    store: Store;
    channels: OpenedChannels;
    agents: AgentRuntime;
    customerAnswer: CustomerAnswer;
    admit?: AdmitTurn | undefined;
  },
  row: ChannelInboundRow,
): Promise<{ answered: boolean }> {
  const event = row.payload as unknown as InboundEvent;
  if (event.type !== "message") return { answered: false };
  const record = await deps.store.channels.find(row.channelId);
  if (!record) {
    deps.channels.forget(row.channelId);
    return { answered: false };
  }
  const channel = deps.channels.open(record);
  void channel.typing?.(event.contactId);
  const agent = await deps.agents.agent(record.tenantId, record.agentId);
  const externalUserId = channelExternalUserId(record.id, event.contactId);
  const message = event.unsupported ? whatArrived(event.unsupported) : event.text;
  const admission = await deps.admit?.({
    tenantId: record.tenantId,
    // A comment is its own conversation: its author is who the visitor rate counts.
    contactKey: event.commenterId ? channelExternalUserId(record.id, event.commenterId) : externalUserId,
    model: agent.spec.model ?? undefined,
    chars: message.length,
  });
  if (admission && !admission.admitted) throw new TurnNotAdmitted(admission.reason, admission.retryable);
  let used = 0;
  let result: TurnResult;
  try {
    result = await deps.agents.turn({ tenantId: record.tenantId, agent, externalUserId, message });
    used = result.usage.inputTokens + result.usage.outputTokens;
  } finally {
    admission?.done(used);
  }
  void channel.markRead?.(event.providerMessageId);
  // A public comment (comment mode) is answered by its own rules: short, public or privately, no sources line.
  const comment = parseCommentContactId(event.contactId) !== undefined;
  const text = deps.customerAnswer(result, { showSources: agent.spec.widget.showSources && !comment });
  if (text.trim() === "") return { answered: false };
  if (comment) {
    const input = {
      conversationId: result.conversationId,
      contactId: event.contactId,
      comment: message,
      answer: text,
      result,
    };
    await queueCommentAnswer(deps.store, channel, record.id, `answer:${row.id}`, input);
    return { answered: true };
  }
  await queueOutbound(deps.store, channel, record.id, `answer:${row.id}`, {
    conversationId: result.conversationId,
    contactId: event.contactId,
    markdown: text,
    origin: "agent",
  });
  return { answered: true };
}

/** What the agent reads for a message that is not text: it can say it only reads text, or react to a location. */
export function whatArrived(kind: string): string {
  return `[The customer sent a ${kind}, not text: this channel passes on only written messages.]`;
}
