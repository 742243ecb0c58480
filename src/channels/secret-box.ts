import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SecretKeyMissingError } from "../spec/channel-errors.js";

/** The environment variable holding the key that seals channel secrets. */
export const secretKeyVariable = "ALAMBIQUE_SECRET_KEY";

const version = 1;
const ivBytes = 12;
const tagBytes = 16;

/**
 * Seals and opens channel secrets with AES-256-GCM. The key is 32 bytes, given
 * in base64 or hex; each sealing uses a fresh 12-byte IV, and `context` (the
 * tenant, agent and kind) is bound as additional data, so sealed secrets
 * copied onto another channel's row do not open.
 *
 * Layout: version (1 byte) ‖ IV (12) ‖ tag (16) ‖ ciphertext.
 */
export class SecretBox {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /**
   * The box for `encoded` (default: `ALAMBIQUE_SECRET_KEY`). Throws
   * SecretKeyMissingError when it is unset or not 32 bytes in base64 or hex:
   * secrets are never stored without it.
   */
  static fromKey(encoded: string | undefined = process.env[secretKeyVariable]): SecretBox {
    if (!encoded || encoded.trim() === "") {
      throw new SecretKeyMissingError(
        `${secretKeyVariable} is not set: channel secrets (bot tokens, app secrets) are stored only encrypted, with that key`,
      );
    }
    const text = encoded.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
    if (key.length !== 32) {
      throw new SecretKeyMissingError(
        `${secretKeyVariable} must be 32 bytes in base64 (44 characters) or hex (64): it decodes to ${key.length}`,
      );
    }
    return new SecretBox(key);
  }

  seal(secrets: Record<string, string>, context: string): Buffer {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.from([version]), iv, cipher.getAuthTag(), body]);
  }

  /** The secrets; SecretKeyMissingError when they were sealed with another key (or another context, or changed). */
  open(sealed: Buffer, context: string): Record<string, string> {
    if (sealed.length < 1 + ivBytes + tagBytes || sealed[0] !== version) {
      throw new SecretKeyMissingError("the channel's stored secrets are not in a format this version reads");
    }
    const iv = sealed.subarray(1, 1 + ivBytes);
    const tag = sealed.subarray(1 + ivBytes, 1 + ivBytes + tagBytes);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, iv, { authTagLength: tagBytes });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      const text = Buffer.concat([
        decipher.update(sealed.subarray(1 + ivBytes + tagBytes)),
        decipher.final(),
      ]).toString("utf8");
      return JSON.parse(text) as Record<string, string>;
    } catch {
      throw new SecretKeyMissingError(
        `the channel's secrets do not open with this ${secretKeyVariable}: it is not the key they were stored with`,
      );
    }
  }
}
