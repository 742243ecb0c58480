import type { FastifyInstance } from "fastify";
import { isAdmin, type RequestAuth } from "../auth/request-auth.js";
import { clientAddress } from "./client-address.js";
import { rateLimitExceeded } from "./limit-errors.js";
import type { RateLimit } from "./rate-limit.js";
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
 * The rate limits, on every route of the server (a plugin that does not
 * encapsulate, so its hook reaches its siblings) except those whose config
 * says `rateLimit: false`. Runs in `onRequest`, before the body is read,
 * after the authentication hook has set `request.auth`: register it after
 * auth. Without auth, requests are counted per client address.
 *
 * - API keys' requests count against the key: `requestsPerMinute`.
 * - A visitor token's requests count against the visitor
 *   (`visitorRequestsPerMinute`) and against its client address, all its
 *   visitors together (four times that), never against the site's chat key:
 *   visitors, however many one address mints, cannot use up a site's
 *   allowance and lock out the others.
 * - Requests made with a public chat key (opening visitor sessions) count
 *   per client address (`visitorSessionsPerMinute`), and against the key.
 *
 * A client address is the request's (Fastify's `request.ip`: set
 * `server.trustProxy` behind a reverse proxy), an IPv6 one by its /64, which
 * one host usually holds whole.
 *
 * Each answer carries `x-ratelimit-limit-requests` and
 * `x-ratelimit-remaining-requests` (of the tightest limit), as OpenAI's do; a
 * refusal is a 429 `rate_limit_exceeded` with `Retry-After`.
 *
 * The buckets are where `createLimits` was told to keep them: in this process, or in
 * PostgreSQL for replicas, so that a client's limit holds across them (one
 * round trip per limit checked). A shared store that cannot be reached
 * refuses the request (503 `store_unavailable`) rather than let it through
 * unlimited.
 */
export async function rateLimitPlugin(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const { rate, visitorRate, visitorAddressRate, sessionRate } = options.limits;
  if (rate === undefined && visitorRate === undefined && sessionRate === undefined) return;
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.config?.rateLimit === false) return;
    const auth = request.auth;
    const address = clientAddress(request.ip);
    const checks: [RateLimit | undefined, string, string][] = auth?.visitor
      ? [
          [visitorRate, `visitor:${auth.visitor.visitorId}`, "for this visitor"],
          [visitorAddressRate, `${auth.keyId}:${address}`, "for this site's visitors at your address"],
        ]
      : [
          [
            auth && isPublicKey(auth) ? sessionRate : undefined,
            `${auth?.keyId}:${address}`,
            "for new visitors at your address",
          ],
          [rate, auth?.keyId ?? `ip:${address}`, "for this key"],
        ];
    let tightest: { perMinute: number; remaining: number } | undefined;
    for (const [buckets, key, scope] of checks) {
      if (buckets === undefined) continue;
      const taken = await buckets.take(key);
      if (!taken.allowed) {
        const retryAfter = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
        reply.header("x-ratelimit-limit-requests", String(buckets.perMinute));
        reply.header("x-ratelimit-remaining-requests", "0");
        reply.header("retry-after", String(retryAfter));
        throw rateLimitExceeded(buckets.perMinute, retryAfter, scope);
      }
      if (tightest === undefined || taken.remaining < tightest.remaining) {
        tightest = { perMinute: buckets.perMinute, remaining: taken.remaining };
      }
    }
    if (tightest) {
      reply.header("x-ratelimit-limit-requests", String(tightest.perMinute));
      reply.header("x-ratelimit-remaining-requests", String(tightest.remaining));
    }
  });
}
(rateLimitPlugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;

/** A `chat` key (a widget's, public by design) rather than an admin key or a visitor token. */
function isPublicKey(auth: RequestAuth): boolean {
  return auth.visitor === null && !isAdmin(auth);
}
