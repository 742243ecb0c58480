import type { FastifyReply } from "fastify";
import type { ReleaseSlot } from "./generation-queues.js";
import { insufficientQuota, queueFull, refuse, requestTimedOut } from "./limit-errors.js";
import type { ServerLimits } from "./server-limits.js";

export interface Admission {
  /** The request's signal: aborts when the client leaves, the server stops, or (not streaming) at the deadline. */
  signal: AbortSignal;
  /** Gives the queue slot back and stops the deadline's timer. Idempotent. */
  release: ReleaseSlot;
  /**
   * What to throw for a generation that failed: the timeout error when the
   * deadline is why it stopped (with the deadline's status), else `error` itself.
   */
  failure(error: unknown): unknown;
}

/**
 * Admits one generation: the tenant must have tokens left today, and the
 * model (`queue`, the name its requests use) a free slot or room in its line.
 * A non-streaming request also gets a deadline, running from here, at which
 * `controller` (the request's, see `InflightRequests.controllerFor`) aborts:
 * the wait and the generation stop alike. Throws `LimitError` (429, or 504
 * when the deadline passes while waiting) with `Retry-After` set on the reply.
 */
export async function admitGeneration(
  limits: ServerLimits,
  reply: FastifyReply,
  input: { tenantId: string; queue: string | undefined; stream: boolean; controller: AbortController },
): Promise<Admission> {
  const budget = await limits.budget.check(input.tenantId);
  if (!budget.allowed) refuse(reply, insufficientQuota(budget.limit, budget.retryAfterSeconds));

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

  if (input.queue === undefined) return { signal, release: stopTimer, failure };
  let slot: Awaited<ReturnType<typeof limits.queues.acquire>>;
  try {
    slot = await limits.queues.acquire(input.queue, signal);
  } catch (error) {
    stopTimer();
    throw failure(error);
  }
  if (!slot.ok) {
    stopTimer();
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
  };
}
