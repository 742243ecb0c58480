import { randomBytes } from "node:crypto";
import { ValidationError } from "../../spec/errors.js";
import type { StoreRepositories } from "../../spec/store.js";
import type { Sql } from "./postgres-sql.js";
import { nowIso } from "./postgres-values.js";

const secretName = /^[a-z0-9._-]{1,64}$/;

export function createPostgresSecrets(sql: Sql): StoreRepositories["secrets"] {
  const read = async (name: string, on: Sql) =>
    (await on.query<{ secret: Buffer }>("SELECT secret FROM server_secrets WHERE name = $1", [name]))[0]
      ?.secret;
  return {
    async getOrCreate(name, bytes) {
      if (typeof name !== "string" || !secretName.test(name)) {
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
      const existing = await read(name, sql);
      if (existing) return existing;
      // Whoever inserts first wins (ON CONFLICT DO NOTHING waits for a racing insert to commit); all read its bytes.
      await sql.query(
        "INSERT INTO server_secrets (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        [name, randomBytes(bytes), nowIso()],
      );
      return (await read(name, sql))!;
    },
  };
}
