import type { FastifyInstance } from "fastify";
import { rateLimitExceeded } from "./limit-errors.js";
import type { ServerLimits } from "./server-limits.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** `false` exempts a route from the per-key rate limit (health checks, metrics). */
    rateLimit?: boolean;
  }
}

export interface RateLimitPluginOptions {
  limits: ServerLimits;
}

/**
 * The per-key rate limit, on every route of the server (a plugin that does
 * not encapsulate, so its hook reaches its siblings) except those whose
 * config says `rateLimit: false`. Runs in `onRequest`, before the body is
 * read, after the authentication hook has set `request.auth`: register it
 * after auth. Without auth, requests are counted per client address.
 *
 * Each answer carries `x-ratelimit-limit-requests` and
 * `x-ratelimit-remaining-requests`, as OpenAI's do; a refusal is a 429
 * `rate_limit_exceeded` with `Retry-After`.
 */
export async function rateLimitPlugin(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const rate = options.limits.rate;
  if (rate === undefined) return;
  const limit = String(rate.perMinute);
  // A callback hook, not an async one: this runs on every request.
  app.addHook("onRequest", (request, reply, done) => {
    if (request.routeOptions.config?.rateLimit === false) return done();
    const taken = rate.take(request.auth?.keyId ?? `ip:${request.ip}`);
    reply.header("x-ratelimit-limit-requests", limit);
    reply.header("x-ratelimit-remaining-requests", String(taken.remaining));
    if (taken.allowed) return done();
    const retryAfter = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    reply.header("retry-after", String(retryAfter));
    done(rateLimitExceeded(rate.perMinute, retryAfter));
  });
}
(rateLimitPlugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;
