import type { FastifyReply } from "fastify";
import { AlambiqueError, type ErrorCode, errorMarker, hasErrorMarker } from "../../spec/errors.js";

const marker = errorMarker("LimitError");

/**
 * A request refused because a limit was reached (429), or cut off because it
 * ran out of time (504). `retryAfterSeconds` is when trying again can succeed;
 * `refuse` sends it to the client as `Retry-After`, which OpenAI's clients
 * honour when they retry.
 */
export class LimitError extends AlambiqueError {
  readonly [marker] = true;
  readonly retryAfterSeconds: number | null;

  constructor(
    message: string,
    options: { code: ErrorCode; status?: number; retryAfterSeconds?: number | null; hint?: string },
  ) {
    super(message, {
      code: options.code,
      status: options.status ?? 429,
      retryable: true,
      hint: options.hint,
    });
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  static override isInstance(value: unknown): value is LimitError {
    return hasErrorMarker(value, marker);
  }
}

/** Too many requests from one API key (or one client address when auth is off). */
export function rateLimitExceeded(
  perMinute: number,
  retryAfterSeconds: number,
  scope = "for this key",
): LimitError {
  return new LimitError(`Rate limit reached: ${perMinute} requests per minute ${scope}`, {
    code: "rate_limit_exceeded",
    retryAfterSeconds,
  });
}

/** The tenant has used its daily token budget. */
export function insufficientQuota(dailyTokens: number, retryAfterSeconds: number): LimitError {
  return new LimitError(`You exceeded your daily quota of ${dailyTokens} tokens`, {
    code: "insufficient_quota",
    retryAfterSeconds,
    hint: "the budget renews at 00:00 UTC; an operator can raise it (server limits: dailyTokens)",
  });
}

/**
 * What is left of the tenant's daily budget is reserved by its requests in
 * progress, and this one may use more than the rest: it can succeed once
 * those end (they give back what they did not use), or asking for less.
 */
export function budgetHeld(left: number, wanted: number, retryAfterSeconds: number): LimitError {
  return new LimitError(
    `Your requests in progress hold your daily quota: ${left} tokens are free, and this request may use up to ${Math.ceil(wanted)}`,
    {
      code: "insufficient_quota",
      retryAfterSeconds,
      hint: "retry when the requests in progress end, or ask for fewer tokens (max_tokens)",
    },
  );
}

/** Every generation slot of the model is taken and its waiting line is full. */
export function queueFull(model: string, retryAfterSeconds: number): LimitError {
  return new LimitError(`The model \`${model}\` is busy: too many requests are waiting for it`, {
    code: "model_overloaded",
    retryAfterSeconds,
  });
}

/** A non-streaming request ran past its deadline; its generation was stopped. */
export function requestTimedOut(ms: number): LimitError {
  return new LimitError(`The request took longer than ${ms} ms and was stopped`, {
    code: "timeout",
    status: 504,
    hint: "ask for fewer tokens, or stream the response (`stream: true`), which has no deadline",
  });
}

/** Sets `Retry-After` on the reply when the error says when to come back, then throws it. */
export function refuse(reply: FastifyReply, error: unknown): never {
  if (LimitError.isInstance(error) && error.retryAfterSeconds !== null) {
    reply.header("retry-after", String(error.retryAfterSeconds));
  }
  throw error;
}
