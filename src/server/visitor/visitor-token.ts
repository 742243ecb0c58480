/**
 * Visitor tokens: what a public `chat` key (a web widget's) turns into, one
 * per visitor. A token names one tenant, one chat key, one agent and one
 * visitor (a random id the server chose), so that it opens exactly one
 * conversation; it expires after a short time and is replaced (rotated) by
 * asking for a new session with the old token.
 *
 *   alv_<base64url(JSON claims)>.<base64url(HMAC-SHA256(signing key, "alv_" + claims))>
 *
 * Stateless: the signing key is the server's (`store.secrets`, shared by every
 * replica), so checking a token needs no lookup beyond the chat key's
 * revocation. The claims are readable by whoever holds the token (they hold
 * nothing secret); they cannot be changed without the signing key.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const visitorTokenPrefix = "alv_";

/** Tokens longer than this are refused unread. */
const maxTokenLength = 2048;

const claimsSchema = z.object({
  /** Format version. */
  v: z.literal(1),
  tenantId: z.string().min(1).max(64),
  keyId: z.string().min(1).max(64),
  agentId: z.string().min(1).max(64),
  /** Chosen by the server (`newVisitorId`), never by the client. */
  visitorId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  /** The page's origin the session was opened from, when the browser sent one. */
  origin: z.string().max(512).nullable(),
  /** When the visitor's first session opened, in seconds since the epoch: resuming keeps it (see `maxAgeSeconds`). */
  startedAt: z.int().nonnegative(),
  /** Seconds since the epoch. */
  issuedAt: z.int().nonnegative(),
  expiresAt: z.int().nonnegative(),
});

export type VisitorClaims = Omit<z.infer<typeof claimsSchema>, "v">;

export type ReadVisitorToken =
  | { ok: true; claims: VisitorClaims; expired: boolean }
  | { ok: false; reason: "malformed" | "bad_signature" };

/** A fresh visitor id: 128 random bits. */
export function newVisitorId(): string {
  return randomBytes(16).toString("base64url");
}

export function isVisitorToken(secret: string): boolean {
  return secret.startsWith(visitorTokenPrefix);
}

export function signVisitorToken(signingKey: Buffer, claims: VisitorClaims): string {
  const body = visitorTokenPrefix + Buffer.from(JSON.stringify({ v: 1, ...claims })).toString("base64url");
  return `${body}.${mac(signingKey, body).toString("base64url")}`;
}

/**
 * Checks the signature and reads the claims. An expired token is returned with
 * `expired: true` (a session may be resumed from it); a token that is not one
 * of ours, or was changed, is `ok: false`. Never throws.
 */
export function readVisitorToken(signingKey: Buffer, token: string, nowSeconds: number): ReadVisitorToken {
  if (token.length > maxTokenLength || !isVisitorToken(token)) return { ok: false, reason: "malformed" };
  const dot = token.lastIndexOf(".");
  if (dot < 0) return { ok: false, reason: "malformed" };
  const body = token.slice(0, dot);
  // Exactly the 43 characters we write: Node's base64url decoding would also take other spellings of them.
  if (!/^[A-Za-z0-9_-]{43}$/.test(token.slice(dot + 1))) return { ok: false, reason: "malformed" };
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = mac(signingKey, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.slice(visitorTokenPrefix.length), "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const { v: _version, ...claims } = parsed.data;
  return { ok: true, claims, expired: claims.expiresAt <= nowSeconds };
}

function mac(signingKey: Buffer, body: string): Buffer {
  return createHmac("sha256", signingKey).update(body, "utf8").digest();
}
