import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKeySecret, hashApiKeySecret } from "./api-key-secret.js";

describe("generateApiKeySecret", () => {
  it("makes an alq_ secret of 32 random bytes, its public prefix and its SHA-256", () => {
    const { secret, prefix, hash } = generateApiKeySecret();
    expect(secret).toMatch(/^alq_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(4), "base64url")).toHaveLength(32);
    expect(prefix).toBe(secret.slice(0, 12));
    expect(hash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(hashApiKeySecret(secret)).toBe(hash);
    expect(hashApiKeySecret(`${secret}x`)).not.toBe(hash);
  });

  it("never repeats", () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateApiKeySecret().secret));
    expect(secrets.size).toBe(1000);
  });
});
