import type { FeedbackCapLimits, FeedbackCapStore } from "../../spec/feedback-caps.js";

/**
 * `FeedbackCapStore` in this process's memory: one server's counts (a SQLite
 * store, which one process serves). Only the newest day asked about is kept.
 */
export class MemoryFeedbackCaps implements FeedbackCapStore {
  #day = "";
  /** Answers counted on `#day`, by `visitor:…` and `address:…`. */
  readonly #counted = new Map<string, Set<string>>();

  async admit(
    day: string,
    visitor: string,
    address: string,
    answerId: string,
    limits: FeedbackCapLimits,
  ): Promise<boolean> {
    if (day !== this.#day) {
      if (day < this.#day) return true; // a rating that raced midnight: yesterday's counts are gone
      this.#day = day;
      this.#counted.clear();
    }
    const byVisitor = this.#set(`visitor:${visitor}`);
    const byAddress = this.#set(`address:${address}`);
    if (byVisitor.has(answerId)) return true;
    if (byVisitor.size >= limits.perVisitor || byAddress.size >= limits.perAddress) return false;
    byVisitor.add(answerId);
    byAddress.add(answerId);
    return true;
  }

  #set(key: string): Set<string> {
    let set = this.#counted.get(key);
    if (!set) {
      set = new Set();
      this.#counted.set(key, set);
    }
    return set;
  }

  async close(): Promise<void> {
    this.#counted.clear();
  }
}
