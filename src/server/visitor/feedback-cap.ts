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
 * twice. Counted in this process's memory: a restart, or each replica of a
 * server, counts afresh (at worst the cap times the replicas).
 */
export class FeedbackCap {
  private day = "";
  private readonly counted = new Map<string, Set<string>>();

  constructor(
    private readonly limits = { perVisitor: THUMBS_DOWN_PER_VISITOR, perAddress: THUMBS_DOWN_PER_ADDRESS },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Counts a thumbs down on `answerId` by `visitorId` from `address`; false
   * when either is over its cap for today (then nothing is counted).
   */
  admit(visitorId: string, address: string, answerId: string): boolean {
    const today = this.now().toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.counted.clear();
    }
    const visitor = this.set(`visitor:${visitorId}`);
    const from = this.set(`address:${address}`);
    if (visitor.has(answerId)) return true;
    if (visitor.size >= this.limits.perVisitor || from.size >= this.limits.perAddress) return false;
    visitor.add(answerId);
    from.add(answerId);
    return true;
  }

  private set(key: string): Set<string> {
    let set = this.counted.get(key);
    if (!set) {
      set = new Set();
      this.counted.set(key, set);
    }
    return set;
  }
}
