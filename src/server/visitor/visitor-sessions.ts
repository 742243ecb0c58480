import type { Store } from "../../spec/store.js";
import { newVisitorId, readVisitorToken, signVisitorToken, type VisitorClaims } from "./visitor-token.js";

/** How visitor sessions behave; every field is optional (see the defaults). */
export interface VisitorSessionOptions {
  /** Seconds a visitor token is valid. Default 3,600 (an hour); the widget renews it before. */
  ttlSeconds?: number;
  /**
   * Seconds after its expiry during which a token still resumes its visitor's
   * session (the same conversation) when a new one is asked for. Default 30 days:
   * a customer who comes back to the site next week finds the conversation.
   */
  resumeSeconds?: number;
  /**
   * Seconds a visitor lasts at most, from its first session, however often it
   * is resumed: a token copied from a browser cannot be renewed for ever.
   * Default 90 days.
   */
  maxAgeSeconds?: number;
}

export interface OpenedVisitorSession {
  token: string;
  claims: VisitorClaims;
  /** Whether the session is an earlier one continued (same visitor, same conversation). */
  resumed: boolean;
}

/** The name of the signing key in `store.secrets`. */
const signingKeyName = "visitor-tokens";

/**
 * Opens, renews and checks visitor sessions (see `visitor-token.ts`). The
 * signing key is read from the store once, on first use.
 */
export class VisitorSessions {
  readonly ttlSeconds: number;
  readonly resumeSeconds: number;
  readonly maxAgeSeconds: number;
  readonly #store: Store;
  #signingKey: Promise<Buffer> | undefined;

  constructor(store: Store, options: VisitorSessionOptions = {}) {
    this.#store = store;
    this.ttlSeconds = options.ttlSeconds ?? 3_600;
    this.resumeSeconds = options.resumeSeconds ?? 30 * 24 * 3_600;
    this.maxAgeSeconds = options.maxAgeSeconds ?? 90 * 24 * 3_600;
  }

  /**
   * A token for one visitor of `agentId`, opened with the chat key `keyId`.
   * `resume`, a token this server issued earlier for the same key and agent
   * (expired less than `resumeSeconds` ago), keeps its visitor, and so the
   * conversation, up to `maxAgeSeconds` after that visitor's first session;
   * anything else in `resume` is ignored and a new visitor starts. A token
   * that was renewed stays valid until it expires (tokens are stateless):
   * that is what the short `ttlSeconds` bounds.
   */
  async open(input: {
    tenantId: string;
    keyId: string;
    agentId: string;
    origin: string | null;
    resume?: string | undefined;
  }): Promise<OpenedVisitorSession> {
    const key = await this.#key();
    const now = nowSeconds();
    let visitorId: string | undefined;
    let startedAt = now;
    if (input.resume !== undefined) {
      const earlier = readVisitorToken(key, input.resume, now);
      if (
        earlier.ok &&
        earlier.claims.tenantId === input.tenantId &&
        earlier.claims.keyId === input.keyId &&
        earlier.claims.agentId === input.agentId &&
        earlier.claims.expiresAt + this.resumeSeconds > now &&
        earlier.claims.startedAt + this.maxAgeSeconds > now
      ) {
        visitorId = earlier.claims.visitorId;
        startedAt = earlier.claims.startedAt;
      }
    }
    const claims: VisitorClaims = {
      tenantId: input.tenantId,
      keyId: input.keyId,
      agentId: input.agentId,
      visitorId: visitorId ?? newVisitorId(),
      origin: input.origin,
      startedAt,
      issuedAt: now,
      expiresAt: Math.min(now + this.ttlSeconds, startedAt + this.maxAgeSeconds),
    };
    return { token: signVisitorToken(key, claims), claims, resumed: visitorId !== undefined };
  }

  /**
   * The claims of a token that is ours, unexpired, and whose chat key is not
   * revoked; undefined otherwise. One store read (the key).
   */
  async verify(token: string): Promise<VisitorClaims | undefined> {
    const read = readVisitorToken(await this.#key(), token, nowSeconds());
    if (!read.ok || read.expired) return undefined;
    const key = await this.#store.apiKeys.get(read.claims.tenantId, read.claims.keyId);
    if (!key || key.revokedAt !== null || !key.scopes.includes("chat")) return undefined;
    return read.claims;
  }

  #key(): Promise<Buffer> {
    this.#signingKey ??= this.#store.secrets.getOrCreate(signingKeyName, 32).catch((error: unknown) => {
      this.#signingKey = undefined;
      throw error;
    });
    return this.#signingKey;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
