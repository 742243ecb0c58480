import type { ChannelInboundRow, ChannelOutboundRow, Store } from "../spec/store.js";

export interface ChannelWorkerOptions {
  /** How often the queues are read when nothing kicked them, in ms. Default 500. */
  pollMs?: number;
  /** How long a claimed row is held before another worker may take it, in ms. Default 5 minutes. */
  leaseMs?: number;
  /** Rows claimed at once per queue. Default 8. */
  batch?: number;
  onError?: (error: unknown, where: string) => void;
}

/**
 * Drains the channels' inbound and outbound queues: claims rows, hands them
 * to `turn` / `send`, marks inbound rows done (or failed with the error).
 * Rows live in the store with leases, so a worker that dies mid-row leaves it
 * to the next claim after the lease, and several workers (replicas) share
 * the queues. `kick()` drains now (the webhook calls it after queuing).
 *
 * The two queues drain apart: sends wait for their channel's rate
 * (`sendsPerSecond`), and turns must not wait behind them. Each answered
 * turn kicks the outbound drain, so its answer goes out without waiting for
 * the rest of its batch.
 */
export class ChannelWorker {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #batch: number;
  readonly #inbound = new SerialDrain(
    () => this.#drainInbound(),
    () => !this.#stopped,
  );
  readonly #outbound = new SerialDrain(
    () => this.#drainOutbound(),
    () => !this.#stopped,
  );

  constructor(
    private readonly store: Store,
    private readonly handlers: {
      turn(row: ChannelInboundRow): Promise<unknown>;
      send(row: ChannelOutboundRow): Promise<unknown>;
    },
    private readonly options: ChannelWorkerOptions = {},
  ) {
    this.#pollMs = options.pollMs ?? 500;
    this.#leaseMs = options.leaseMs ?? 300_000;
    this.#batch = options.batch ?? 8;
  }

  start(): void {
    this.#stopped = false;
    this.#timer ??= setInterval(() => this.kick(), this.#pollMs);
    this.#timer.unref();
  }

  /** Drains the queues now, or right after the drains in progress. */
  kick(): void {
    this.#inbound.kick();
    this.#outbound.kick();
  }

  /** Stops polling and waits for the rows in hand. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([this.#inbound.idle(), this.#outbound.idle()]);
  }

  async #drainInbound(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.store.channels.claimInbound({ leaseMs: this.#leaseMs, limit: this.#batch });
        await Promise.all(rows.map((row) => this.#turn(row)));
        if (rows.length === 0 || this.#stopped) return;
      }
    } catch (error) {
      this.#error(error, "queue");
    }
  }

  async #drainOutbound(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.store.channels.claimOutbound({ leaseMs: this.#leaseMs, limit: this.#batch });
        await Promise.all(rows.map((row) => this.handlers.send(row).catch((e) => this.#error(e, "send"))));
        if (rows.length === 0 || this.#stopped) return;
      }
    } catch (error) {
      this.#error(error, "queue");
    }
  }

  async #turn(row: ChannelInboundRow): Promise<void> {
    try {
      await this.handlers.turn(row);
      this.#outbound.kick(); // its answer, queued by the turn
      await this.store.channels.finishInbound(row.id);
    } catch (error) {
      this.#error(error, "turn");
      // A refusal that waiting cannot fix is given up at once; one that waiting can (a full budget or queue) after
      // 12 tries; any other failure after 3. Before that, the lease's end brings the row back.
      const { retryable } = (error ?? {}) as { retryable?: boolean };
      if (retryable === false || row.attempts >= (retryable ? 12 : 3)) {
        await this.store.channels
          .finishInbound(row.id, error instanceof Error ? error.message : String(error))
          .catch((e) => this.#error(e, "turn"));
      }
    }
  }

  #error(error: unknown, where: string): void {
    this.options.onError?.(error, where);
  }
}

/** Runs `drain` now, or once more right after the run in progress (kicks meanwhile make one more run). */
class SerialDrain {
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly drain: () => Promise<void>,
    private readonly open: () => boolean,
  ) {}

  kick(): void {
    if (!this.open()) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.drain().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Settles when the run in progress (and the one it kicked) has ended. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
