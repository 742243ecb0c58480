/**
 * The floor of bench/agent-turns.ts (bench/agent-turns-floor.ts) is quoted in
 * the README as what a durable retrieval turn costs with none of our code, so
 * it must do that work for real: check the key, search the knowledge, and
 * answer only once the conversation and both messages are in the file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floorServer } from "../../bench/agent-turns-floor.js";
import { seedDemoAgent } from "../../src/agents/demo-agent.fixture.js";
import { openStore } from "../../src/store/open-store.js";

let dir: string;
let file: string;
let secret: string;
let agent: string;
let floor: ReturnType<typeof floorServer>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-floor-"));
  file = join(dir, "alambique.db");
  const store = await openStore(file);
  const tenant = await store.tenants.create({ slug: "la-espiga", name: "Panadería La Espiga" });
  agent = (await seedDemoAgent(store, tenant.id)).agent.name;
  secret = (await store.apiKeys.create({ tenantId: tenant.id, name: "bench", scopes: ["admin"] })).secret;
  await store.close();
  floor = floorServer(file);
});

afterAll(async () => {
  await floor.app.close();
  floor.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (content: string, user: string, key = secret) =>
  floor.app.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { authorization: `Bearer ${key}` },
    payload: { model: `agent:${agent}`, user, messages: [{ role: "user", content }] },
  });

describe("the agent-turns floor", () => {
  it("writes as the store does: WAL, an fsync per commit", () => {
    expect(floor.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(floor.db.pragma("synchronous", { simple: true })).toBe(2); // FULL
  });

  it("answers from the knowledge, and the turn is in the file when it answers", async () => {
    const replies = await Promise.all([
      ask("¿A qué hora abrís los domingos?", "ana"),
      ask("¿Tenéis pan sin gluten?", "ben"),
      ask("¿Y los sábados?", "ana"),
    ]);
    for (const reply of replies) expect(reply.statusCode).toBe(200);
    // The floor ranks by SQLite's own BM25 over the words OR'ed (not our retriever): an answer is a chunk's text.
    const answer = replies[0]!.json().choices[0].message.content as string;
    expect(answer.length).toBeGreaterThan(0);
    // Another connection sees every acknowledged write: one conversation per customer, messages in order.
    const reader = new Database(file, { readonly: true });
    try {
      const rows = reader
        .prepare(
          `SELECT c.external_user_id AS user, m.seq, m.role, m.content FROM messages m
           JOIN conversations c ON c.id = m.conversation_id ORDER BY c.external_user_id, m.seq`,
        )
        .all();
      expect(reader.prepare("SELECT count(*) AS n FROM chunks WHERE text = ?").get(answer)).toEqual({ n: 1 });
      const replyText = (i: number) => replies[i]!.json().choices[0].message.content as string;
      expect(rows).toEqual([
        { user: "ana", seq: 1, role: "user", content: "¿A qué hora abrís los domingos?" },
        { user: "ana", seq: 2, role: "assistant", content: replyText(0) },
        { user: "ana", seq: 3, role: "user", content: "¿Y los sábados?" },
        { user: "ana", seq: 4, role: "assistant", content: replyText(2) },
        { user: "ben", seq: 1, role: "user", content: "¿Tenéis pan sin gluten?" },
        { user: "ben", seq: 2, role: "assistant", content: replyText(1) },
      ]);
    } finally {
      reader.close();
    }
  });

  it("refuses an unknown key and writes nothing for it", async () => {
    const reply = await ask("¿Abrís hoy?", "eve", "alq_not-a-key");
    expect(reply.statusCode).toBe(401);
    const reader = new Database(file, { readonly: true });
    try {
      expect(
        reader.prepare("SELECT count(*) AS n FROM conversations WHERE external_user_id = 'eve'").get(),
      ).toEqual({
        n: 0,
      });
    } finally {
      reader.close();
    }
  });
});
