import type { FastifyReply } from "fastify";
import type { ReleaseSlot } from "./generation-queues.js";
import { budgetHeld, insufficientQuota, queueFull, refuse, requestTimedOut } from "./limit-errors.js";
import type { ServerLimits } from "./server-limits.js";

export interface Admission {
  /** The request's signal: aborts when the client leaves, the server stops, or (not streaming) at the deadline. */
  signal: AbortSignal;
  /** Gives the queue slot back and stops the deadline's timer. Idempotent. */
  release: ReleaseSlot;
  /**
   * Charges the tenant what the generation used, in place of the tokens
   * reserved for it at admission. What was reserved and never charged is
   * given back when the response ends (an error, a client that left).
   */
  charge(tokens: number): void;
  /**
   * What to throw for a generation that failed: the timeout error when the
   * deadline is why it stopped (with the deadline's status), else `error` itself.
   */
  failure(error: unknown): unknown;
}

/**
 * Admits one generation: the tenant's budget must hold `reserveTokens` (an
 * estimate of what it will use, see `TokenBudget.reserve`), and the model
 * (`queue`, the name its requests use) have a free slot or room in its line
 * for the tenant (see `GenerationQueues`).
 * A non-streaming request also gets a deadline, running from here, at which
 * `controller` (the request's, see `InflightRequests.controllerFor`) aborts:
 * the wait and the generation stop alike. Throws `LimitError` (429, or 504
 * when the deadline passes while waiting) with `Retry-After` set on the reply.
 */
export async function admitGeneration(
  limits: ServerLimits,
  reply: FastifyReply,
  input: {
    tenantId: string;
    queue: string | undefined;
    stream: boolean;
    controller: AbortController;
    /** Tokens the generation may use: its prompt, estimated, and the most it may generate. */
    reserveTokens: number;
  },
): Promise<Admission> {
  const budget = await limits.budget.reserve(input.tenantId, input.reserveTokens);
  if (!budget.allowed) {
    refuse(
      reply,
      budget.reason === "spent"
        ? insufficientQuota(budget.limit, budget.retryAfterSeconds)
        : budgetHeld(budget.left, input.reserveTokens, budget.retryAfterSeconds),
    );
  }
  const { reservation } = budget;
  // Whatever ends the request without a charge (a refusal below, an error, a client gone) gives the hold back.
  if (reply.raw.destroyed) reservation.release();
  else reply.raw.once("close", reservation.release);
  const charge = reservation.charge;

  const { controller } = input;
  const ms = limits.requestTimeoutMs;
  let timedOut = false;
  const timer = input.stream
    ? undefined
    : setTimeout(() => {
        timedOut = true;
        controller.abort(requestTimedOut(ms));
      }, ms);
  const failure = (error: unknown) => (timedOut ? requestTimedOut(ms) : error);
  const stopTimer = () => clearTimeout(timer);
  const signal = controller.signal;

  if (input.queue === undefined) return { signal, release: stopTimer, failure, charge };
  let slot: Awaited<ReturnType<typeof limits.queues.acquire>>;
  try {
    slot = await limits.queues.acquire(input.queue, signal, input.tenantId);
  } catch (error) {
    stopTimer();
    reservation.release();
    throw failure(error);
  }
  if (!slot.ok) {
    stopTimer();
    reservation.release();
    refuse(reply, queueFull(input.queue, slot.retryAfterSeconds));
  }
  const release = slot.release;
  return {
    signal,
    release: () => {
      stopTimer();
      release();
    },
    failure,
    charge,
  };
}
