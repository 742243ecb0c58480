/**
 * API key secrets. A secret is `alq_` followed by 32 random bytes in base64url
 * (256 bits), so a plain SHA-256 is the right hash: nobody can guess a
 * preimage, and a fast hash keeps per-request verification cheap (slow
 * password hashes exist for low-entropy secrets). The store keeps only the
 * hash, indexed and unique, and verifies a secret by looking its hash up.
 */
import { createHash, randomBytes } from "node:crypto";

export const apiKeySecretPrefix = "alq_";

/** Characters of the secret kept as its public `prefix` (`alq_` + 8). */
export const apiKeyPrefixLength = 12;

export interface GeneratedApiKeySecret {
  /** Shown to the user once, never stored. */
  secret: string;
  /** Safe to show and log, e.g. `alq_3fa9c1Xb`. */
  prefix: string;
  /** SHA-256 of the secret, lowercase hex (64 characters). */
  hash: string;
}

export function generateApiKeySecret(): GeneratedApiKeySecret {
  const secret = apiKeySecretPrefix + randomBytes(32).toString("base64url");
  return { secret, prefix: secret.slice(0, apiKeyPrefixLength), hash: hashApiKeySecret(secret) };
}

/** SHA-256 of `secret` as lowercase hex. Accepts any string; a malformed secret just finds nothing. */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
