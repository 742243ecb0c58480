import { LlamaChat, type LlamaContextSequence } from "node-llama-cpp";
import type { SequenceLease } from "./model-pool.js";

/**
 * One LlamaChat per sequence, made on first use: it keeps no state between
 * calls, a leased sequence serves one call at a time, and it disposes itself
 * with its sequence.
 */
const chats = new WeakMap<LlamaContextSequence, LlamaChat>();

export function chatForSequence(lease: SequenceLease): LlamaChat {
  let chat = chats.get(lease.sequence);
  if (chat === undefined || chat.disposed) {
    chat = new LlamaChat({ contextSequence: lease.sequence, chatWrapper: lease.loaded.chatWrapper });
    chats.set(lease.sequence, chat);
  }
  return chat;
}
