import type { FastifyServerOptions } from "fastify";
import type { FeedbackCapStore } from "../../spec/feedback-caps.js";
import type { RateLimitStore } from "../../spec/rate-limits.js";
import { FeedbackCap } from "./feedback-cap.js";
import { GenerationQueues, type QueueLimits } from "./generation-queues.js";
import { MemoryRateLimits } from "./memory-rate-limits.js";
import { RateLimit } from "./rate-limit.js";
import { TokenBudget, type TokenBudgetOptions } from "./token-budget.js";

/** Every limit the server applies; each has a default fit for one modest machine. */
export interface LimitsOptions {
  /** Requests per minute per API key (per client address when auth is off). 0 turns it off. Default 600. */
  requestsPerMinute?: number;
  /** Requests a key may make at once after being idle. Default: `requestsPerMinute`. */
  burst?: number;
  /**
   * Requests per minute of one visitor (a visitor token); its client address
   * may make four times that for all its visitors together. Visitors never
   * count against their site's chat key. 0 turns it off. Default 30.
   */
  visitorRequestsPerMinute?: number;
  /**
   * Visitor sessions one client address may open per minute with a public chat
   * key (sessions are free to open: this bounds minting new visitors to escape
   * the per-visitor limit). 0 turns it off. Default 20.
   */
  visitorSessionsPerMinute?: number;
  /** Tokens (prompt + completion) a tenant may use per UTC day. Default: no budget. */
  dailyTokens?: number;
  /** Daily token budgets of particular tenants, by tenant id. */
  tenantDailyTokens?: Record<string, number>;
  /** Generations per model: running at once (default 4) and waiting beyond those (default 16). */
  queue?: Partial<QueueLimits> & { models?: Record<string, Partial<QueueLimits>> };
  /** Deadline of a non-streaming generation, in ms (streams have none). Default 120 000. */
  requestTimeoutMs?: number;
  /** Time a client has to send a whole request, headers and body, in ms; then 408 and the socket closes. Default 30 000. */
  receiveTimeoutMs?: number;
  /** Time a client has to send the request headers, in ms. Default 10 000 (at most `receiveTimeoutMs`). */
  headersTimeoutMs?: number;
}

export interface ServerLimits {
  /** Undefined when rate limiting is off. */
  readonly rate: RateLimit | undefined;
  /** Per visitor token; undefined when off. */
  readonly visitorRate: RateLimit | undefined;
  /** Per client address, for the requests of all its visitor tokens of one site together (4× `visitorRate`). */
  readonly visitorAddressRate: RateLimit | undefined;
  /** Per client address, for requests made with a public chat key (opening sessions); undefined when off. */
  readonly sessionRate: RateLimit | undefined;
  readonly budget: TokenBudget;
  /** The daily caps on visitors' thumbs down that teach (see `FeedbackCap`). */
  readonly feedbackCap: FeedbackCap;
  readonly queues: GenerationQueues;
  readonly requestTimeoutMs: number;
}

/**
 * Where the limits keep their counts: replicas of one PostgreSQL database
 * share the rate limits' buckets (`persistence.rateLimits`), the token
 * budgets' counts and holds (`persistence.budgets`) and the feedback caps'
 * counts (`persistence.feedbackCaps`); each defaults to this process's memory
 * (the budgets' counts then kept across restarts in `persistence.store`).
 * The caller closes the shared ones.
 */
export function createLimits(
  options: LimitsOptions = {},
  persistence: Pick<TokenBudgetOptions, "store" | "onFlushError" | "budgets"> & {
    rateLimits?: RateLimitStore;
    feedbackCaps?: FeedbackCapStore;
  } = {},
): ServerLimits {
  const rateStore = persistence.rateLimits ?? new MemoryRateLimits();
  const perMinute = options.requestsPerMinute ?? 600;
  const limit = (scope: string, perMinute: number, burst = perMinute) =>
    perMinute > 0 ? new RateLimit({ scope, perMinute, burst }, rateStore) : undefined;
  return {
    rate: limit("key", perMinute, options.burst || perMinute),
    visitorRate: limit("visitor", options.visitorRequestsPerMinute ?? 30),
    visitorAddressRate: limit("visitor-address", 4 * (options.visitorRequestsPerMinute ?? 30)),
    sessionRate: limit("session", options.visitorSessionsPerMinute ?? 20),
    budget: new TokenBudget({
      ...(options.dailyTokens !== undefined ? { dailyTokens: options.dailyTokens } : {}),
      ...(options.tenantDailyTokens ? { tenants: options.tenantDailyTokens } : {}),
      ...(persistence.store ? { store: persistence.store } : {}),
      ...(persistence.onFlushError ? { onFlushError: persistence.onFlushError } : {}),
      ...(persistence.budgets ? { budgets: persistence.budgets } : {}),
    }),
    feedbackCap: new FeedbackCap(undefined, undefined, persistence.feedbackCaps),
    queues: new GenerationQueues({
      defaults: { concurrency: options.queue?.concurrency ?? 4, maxWaiting: options.queue?.maxWaiting ?? 16 },
      ...(options.queue?.models ? { models: options.queue.models } : {}),
    }),
    requestTimeoutMs: options.requestTimeoutMs ?? 120_000,
  };
}

/**
 * The socket-level timeouts for Fastify's constructor, against clients that
 * hold connections open without finishing a request (slow loris):
 * - `requestTimeout`: the whole request must arrive in `receiveTimeoutMs`;
 *   `http.headersTimeout`: its headers in `headersTimeoutMs`. Node answers 408
 *   and closes the socket. It checks every `connectionsCheckingInterval` ms
 *   (Node's default, 30 s, would let a slow client linger twice as long).
 * - `connectionTimeout`: a socket silent for this long is destroyed. It must
 *   outlast the slowest non-streaming generation, which sends nothing until
 *   it is done; streams write a heartbeat well within it.
 */
export function serverTimeouts(options: LimitsOptions = {}): Pick<
  FastifyServerOptions,
  "connectionTimeout" | "requestTimeout"
> & {
  http: { headersTimeout: number; connectionsCheckingInterval: number };
} {
  const receive = options.receiveTimeoutMs ?? 30_000;
  const headers = Math.min(options.headersTimeoutMs ?? 10_000, receive);
  return {
    requestTimeout: receive,
    connectionTimeout: (options.requestTimeoutMs ?? 120_000) + receive + 5_000,
    http: {
      headersTimeout: headers,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headers / 4))),
    },
  };
}
