import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";
import { ValidationError } from "../../spec/errors.js";
import { nowIso } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

const secretName = /^[a-z0-9._-]{1,64}$/;

export function createSqliteSecrets(db: Database): SyncRepositories["secrets"] {
  // INSERT OR IGNORE then SELECT: whoever inserted first wins, every caller reads the same bytes.
  const insert = db.prepare<[string, Buffer, string]>(
    "INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
  );
  const get = db.prepare<[string], { secret: Buffer }>("SELECT secret FROM server_secrets WHERE name = ?");
  return {
    getOrCreate(name, bytes) {
      if (!secretName.test(name)) {
        throw new ValidationError(
          `a secret's name must be 1–64 of a-z, 0-9, '.', '_', '-': got ${JSON.stringify(name)}`,
          [{ path: ["name"], message: "not a secret name" }],
          "Name it like `visitor-tokens`.",
        );
      }
      if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
        throw new ValidationError(
          `a secret has 16 to 1024 bytes: got ${String(bytes)}`,
          [{ path: ["bytes"], message: "out of range" }],
          "32 bytes (256 bits) is the usual size for an HMAC key.",
        );
      }
      const existing = get.get(name);
      if (existing) return existing.secret;
      insert.run(name, randomBytes(bytes), nowIso());
      return get.get(name)!.secret;
    },
  };
}
