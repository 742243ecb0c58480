import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import { createSqliteAgents } from "./sqlite-agents.js";
import { createSqliteKnowledge } from "./sqlite-knowledge.js";
import { createHitLoader } from "./sqlite-knowledge-rows.js";
import { createSqliteTenants } from "./sqlite-tenants.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-hit-loader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("createHitLoader", () => {
  it("keeps loaded chunks by key, but never hands one to another agent, and drops them on another connection's commit", () => {
    const file = join(dir, "k.db");
    const { db } = openSqliteDatabase(file, { busyTimeoutMs: 1000 });
    const other = new Database(file);
    try {
      const tenant = createSqliteTenants(db).create({ slug: "t", name: "T" });
      const agents = createSqliteAgents(db);
      const [a, b] = [
        agents.create({ tenantId: tenant.id, name: "a", spec: {} }),
        agents.create({ tenantId: tenant.id, name: "b", spec: {} }),
      ];
      const knowledge = createSqliteKnowledge(db);
      const chunk = { ordinal: 0, title: null, location: "", metadata: { n: 1 } };
      knowledge.putSource({
        tenantId: tenant.id,
        agentId: a!.id,
        uri: "x",
        kind: "text",
        contentHash: "h",
        bytes: 1,
        chunks: [{ ...chunk, text: "pan de masa madre" }],
      });
      const key = db.prepare("SELECT key FROM chunks").pluck().get() as number;
      const load = createHitLoader(db);
      const [first] = load(tenant.id, a!.id, [{ key, score: 2 }]);
      expect(first).toMatchObject({
        chunk: { text: "pan de masa madre", metadata: { n: 1 } },
        source: { uri: "x" },
        score: 2,
      });
      const [again] = load(tenant.id, a!.id, [{ key, score: 1 }]);
      expect(again?.chunk).toBe(first?.chunk); // kept: not read and parsed again
      expect(again?.score).toBe(1);
      expect(load(tenant.id, b!.id, [{ key, score: 1 }])).toEqual([]);
      expect(load("another-tenant", a!.id, [{ key, score: 1 }])).toEqual([]);
      // Another process rewrites the row behind the store's back: the kept copy goes.
      other.prepare("UPDATE chunks SET text = 'pan integral' WHERE key = ?").run(key);
      expect(load(tenant.id, a!.id, [{ key, score: 1 }])[0]?.chunk.text).toBe("pan integral");
      other.prepare("DELETE FROM chunks WHERE key = ?").run(key);
      expect(load(tenant.id, a!.id, [{ key, score: 1 }])).toEqual([]);
    } finally {
      other.close();
      db.close();
    }
  });
});
