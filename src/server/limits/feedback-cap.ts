import type { FeedbackCapLimits, FeedbackCapStore } from "../../spec/feedback-caps.js";
import { MemoryFeedbackCaps } from "./memory-feedback-caps.js";

/** Thumbs down a visitor may give per UTC day that still teach the next dataset. */
export const THUMBS_DOWN_PER_VISITOR = 5;
/** Thumbs down that may teach per UTC day from one client address, all its visitors together. */
export const THUMBS_DOWN_PER_ADDRESS = 20;

/**
 * How many answers each visitor, and each client address, rated down today
 * (UTC), so that one person flooding thumbs down cannot steer what the
 * student learns next (the flywheel learns from disliked answers). Ratings
 * over a cap are still stored and shown: only their weight in training is
 * dropped (`metadata.feedbackCapped`), and the visitor is not told, so a
 * flood learns nothing about the cap. Rating one answer again does not count
 * twice. Counted where `store` keeps them: this process's memory by default
 * (a restart counts afresh), or, for replicas of one PostgreSQL database, a
 * table they share, so a cap holds across them.
 */
export class FeedbackCap {
  constructor(
    private readonly limits: FeedbackCapLimits = {
      perVisitor: THUMBS_DOWN_PER_VISITOR,
      perAddress: THUMBS_DOWN_PER_ADDRESS,
    },
    private readonly now: () => Date = () => new Date(),
    private readonly store: FeedbackCapStore = new MemoryFeedbackCaps(),
  ) {}

  /**
   * Counts a thumbs down on `answerId` by `visitorId` from `address`; false
   * when either is over its cap for today (then nothing is counted). Throws
   * `StoreError` when a shared store cannot be reached.
   */
  admit(visitorId: string, address: string, answerId: string): Promise<boolean> {
    const today = this.now().toISOString().slice(0, 10);
    return this.store.admit(today, visitorId, address, answerId, this.limits);
  }
}
