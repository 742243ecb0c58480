import type { FastifyServerOptions } from "fastify";
import { GenerationQueues, type QueueLimits } from "./generation-queues.js";
import { TokenBuckets } from "./token-buckets.js";
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
  readonly rate: TokenBuckets | undefined;
  /** Per visitor token; undefined when off. */
  readonly visitorRate: TokenBuckets | undefined;
  /** Per client address, for the requests of all its visitor tokens of one site together (4× `visitorRate`). */
  readonly visitorAddressRate: TokenBuckets | undefined;
  /** Per client address, for requests made with a public chat key (opening sessions); undefined when off. */
  readonly sessionRate: TokenBuckets | undefined;
  readonly budget: TokenBudget;
  readonly queues: GenerationQueues;
  readonly requestTimeoutMs: number;
}

export function createLimits(
  options: LimitsOptions = {},
  persistence: Pick<TokenBudgetOptions, "store" | "onFlushError"> = {},
): ServerLimits {
  const perMinute = options.requestsPerMinute ?? 600;
  const buckets = (perMinute: number) => (perMinute > 0 ? new TokenBuckets({ perMinute }) : undefined);
  return {
    rate:
      perMinute > 0
        ? new TokenBuckets({ perMinute, ...(options.burst ? { burst: options.burst } : {}) })
        : undefined,
    visitorRate: buckets(options.visitorRequestsPerMinute ?? 30),
    visitorAddressRate: buckets(4 * (options.visitorRequestsPerMinute ?? 30)),
    sessionRate: buckets(options.visitorSessionsPerMinute ?? 20),
    budget: new TokenBudget({
      ...(options.dailyTokens !== undefined ? { dailyTokens: options.dailyTokens } : {}),
      ...(options.tenantDailyTokens ? { tenants: options.tenantDailyTokens } : {}),
      ...persistence,
    }),
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
