import type { ChannelQueueStats, Store } from "../spec/store.js";

export interface ChannelHealthOptions {
  /** A channel whose oldest queued outbound message is older than this (ms) is degraded. Default 60 s. */
  staleAfterMs?: number;
  /** A channel whose last this-many sends (in this process) failed is degraded. Default 3. */
  failureStreak?: number;
  /** How long one read of the queues is reused, in ms: probes and scrapes stay one query a second. Default 1000. */
  cacheMs?: number;
}

/** One channel's queues, as `/readyz` and `/metrics` see them. */
export interface ChannelHealthSnapshot {
  /** Read at (ms since epoch). */
  at: number;
  channels: ChannelQueueStats[];
}

/**
 * Whether the channels' providers take what is sent to them. Two signals:
 * the queues in the store (shared by every replica: a message queued for
 * longer than `staleAfterMs` means sends are not getting through) and this
 * process's sends (`recordSend`: the last `failureStreak` failed, the first
 * success clears it). Read for `/readyz` (`problems`: one public line per
 * channel, naming its agent and kind, never an address, a token or the
 * provider's error text) and for `/metrics` (`snapshot` and the counters).
 */
export class ChannelHealth {
  readonly #staleAfterMs: number;
  readonly #failureStreak: number;
  readonly #cacheMs: number;
  /** Consecutive failed sends per channel id; absent after a success. */
  readonly #streaks = new Map<string, number>();
  /** Sends per kind and outcome since the process started. */
  readonly #sends = new Map<string, { sent: number; failed: number }>();
  #cached: { at: number; read: Promise<ChannelHealthSnapshot> } | undefined;

  constructor(
    private readonly store: Store,
    options: ChannelHealthOptions = {},
  ) {
    this.#staleAfterMs = options.staleAfterMs ?? 60_000;
    this.#failureStreak = options.failureStreak ?? 3;
    this.#cacheMs = options.cacheMs ?? 1000;
  }

  /** Notes one send's outcome: `failed` is any failure, retried later or given up. */
  recordSend(channelId: string, kind: string, outcome: "sent" | "failed"): void {
    const counts = this.#sends.get(kind) ?? { sent: 0, failed: 0 };
    counts[outcome]++;
    this.#sends.set(kind, counts);
    if (outcome === "sent") this.#streaks.delete(channelId);
    else this.#streaks.set(channelId, (this.#streaks.get(channelId) ?? 0) + 1);
  }

  /** Sends since the process started, by channel kind. */
  sends(): ReadonlyMap<string, { sent: number; failed: number }> {
    return this.#sends;
  }

  /** The queues, read at most once per `cacheMs` (concurrent callers share the read). Rejects as the store does. */
  snapshot(): Promise<ChannelHealthSnapshot> {
    const now = Date.now();
    if (this.#cached && now - this.#cached.at < this.#cacheMs) return this.#cached.read;
    const read = this.store.channels.queueStats().then((channels) => ({ at: now, channels }));
    this.#cached = { at: now, read };
    // A failed read is not kept: the next caller asks again.
    read.catch(() => {
      if (this.#cached?.read === read) this.#cached = undefined;
    });
    return read;
  }

  /**
   * One line per channel that is not getting its messages out, sorted, e.g.
   * `espiga: telegram: 4 messages queued, the oldest for 75 s; the last 3 sends failed`.
   * Never throws: a store that cannot be read is one line itself.
   */
  async problems(): Promise<string[]> {
    let snapshot: ChannelHealthSnapshot;
    try {
      snapshot = await this.snapshot();
    } catch {
      return ["the channels' queues cannot be read"];
    }
    const lines: string[] = [];
    for (const channel of snapshot.channels) {
      const reasons: string[] = [];
      const age = ageMs(channel.oldestOutboundAt, snapshot.at);
      if (age !== undefined && age >= this.#staleAfterMs) {
        const n = channel.outboundQueued;
        reasons.push(`${n} message${n === 1 ? "" : "s"} queued, the oldest for ${Math.round(age / 1000)} s`);
      }
      const streak = this.#streaks.get(channel.channelId) ?? 0;
      if (streak >= this.#failureStreak) reasons.push(`the last ${streak} sends failed`);
      if (reasons.length > 0) lines.push(`${channel.agentName}: ${channel.kind}: ${reasons.join("; ")}`);
    }
    return lines.sort();
  }
}

/** How long ago `iso` was, in ms, at `now`; undefined for none. */
export function ageMs(iso: string | null, now: number): number | undefined {
  return iso === null ? undefined : Math.max(0, now - Date.parse(iso));
}
