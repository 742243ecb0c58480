/**
 * A floor for a durable retrieval-mode turn on SQLite: a subset of the work
 * Alambique's server does for one customer message, with none of Alambique's
 * code, in the same shape (one Node thread, better-sqlite3, the store's group
 * commit with its fsync on that thread). bench/agent-turns.ts runs it as the
 * `floor` side, beside the real server and bare Fastify, to tell what the
 * hot-path targets ask of this store and disk from what our layers add on top:
 * our server does all of this and more, so it cannot beat it.
 *
 * On the same database file the real server uses (the demo agent, its
 * knowledge, the API key), with raw better-sqlite3 prepared statements, one
 * request is:
 * - Fastify parses the body;
 * - the bearer key's SHA-256 is looked up (one indexed read), the agent by
 *   name (one);
 * - one FTS5 query over the knowledge: the message's words OR'ed, ranked by
 *   SQLite's own BM25, the best 5 chunks read (as a retriever's limit 5);
 * - the customer's open conversation found, or a new one made, and two
 *   messages (the customer's, the answer) appended to it, in a group commit
 *   with `synchronous = FULL`, as the store does: the requests that arrive in
 *   one loop turn share one transaction and one fsync, and each is answered
 *   only once that commit is durable (a failed commit fails its batch);
 * - the best chunk's text returned in the OpenAI chat.completion shape.
 *
 * Left out on purpose (so this is a floor, not a rival): the retriever's
 * planning and re-ranking, excerpts and citations, language detection,
 * guardrails, PII redaction, handoff rules, rate limits, usage records,
 * validation of the request beyond reading its fields, the key's scope, the
 * agent's spec; the search is not limited to the agent's own live chunks
 * (the bench's database holds one agent, all live). A server built otherwise
 * (fsync off the JS thread, several processes) has a different floor: on
 * these 2 cores those variants were measured and did not win (README,
 * `agent-turns-tail.ts` row).
 */
import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import Fastify, { type FastifyInstance } from "fastify";

interface Body {
  model?: string;
  user?: string;
  messages?: { role?: string; content?: string }[];
}

/** A Fastify app answering `POST /v1/chat/completions` at the floor's cost, on the SQLite file `file`. */
export function floorServer(file: string): { app: FastifyInstance; db: Database.Database; close(): void } {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  const keyByHash = db.prepare<[string], { tenant_id: string }>(
    "SELECT tenant_id FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL",
  );
  const agentByName = db.prepare<[string, string], { id: string }>(
    "SELECT id FROM agents WHERE tenant_id = ? AND name = ?",
  );
  const search = db
    .prepare<[string], string>(
      `SELECT c.text FROM chunks_fts JOIN chunks c ON c.key = chunks_fts.rowid
       WHERE chunks_fts MATCH ? ORDER BY rank LIMIT 5`,
    )
    .pluck();
  const insertConversation = db.prepare(
    `INSERT INTO conversations (id, tenant_id, agent_id, external_user_id, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'bot', ?, ?)`,
  );
  const touchConversation = db.prepare("UPDATE conversations SET updated_at = ? WHERE id = ?");
  const openConversation = db
    .prepare<[string, string, string], string>(
      `SELECT id FROM conversations WHERE tenant_id = ? AND agent_id = ? AND external_user_id = ?
       AND status <> 'closed' ORDER BY created_at DESC LIMIT 1`,
    )
    .pluck();
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, seq, role, content, metadata, created_at)
     SELECT ?, @c, coalesce(max(seq), 0) + 1, ?, ?, '{}', ? FROM messages WHERE conversation_id = @c`,
  );
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");

  const rollback = db.prepare("ROLLBACK");

  // Group commit: the writes queued in one loop turn, one transaction, one fsync; answered after COMMIT.
  // A failure anywhere (busy, disk full, I/O) rolls the batch back and fails each of its requests.
  let pending: { write: () => void; done: () => void; fail: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    try {
      begin.run();
      for (const entry of batch) entry.write();
      commit.run();
    } catch (error) {
      if (db.inTransaction) rollback.run();
      for (const entry of batch) entry.fail(error);
      return;
    }
    for (const entry of batch) entry.done();
  };
  const durably = (write: () => void) =>
    new Promise<void>((done, fail) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ write, done, fail });
    });

  const app = Fastify({ logger: false });
  app.post("/v1/chat/completions", async (request, reply) => {
    const secret = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    const key = keyByHash.get(createHash("sha256").update(secret, "utf8").digest("hex"));
    if (!key) return reply.code(401).send({ error: "unknown key" });
    const body = request.body as Body;
    const agent = agentByName.get(key.tenant_id, String(body.model ?? "").replace(/^agent:/, ""));
    if (!agent) return reply.code(404).send({ error: "no such agent" });
    const question = String(body.messages?.at(-1)?.content ?? "");
    const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const texts = words.length > 0 ? search.all(words.map((word) => `"${word}"`).join(" OR ")) : [];
    const answer = texts[0] ?? "";
    const now = new Date().toISOString();
    const user = String(body.user ?? "");
    let conversationId = "";
    await durably(() => {
      const open = openConversation.get(key.tenant_id, agent.id, user);
      conversationId = open ?? randomUUID();
      if (open === undefined) insertConversation.run(conversationId, key.tenant_id, agent.id, user, now, now);
      else touchConversation.run(now, conversationId);
      insertMessage.run(randomUUID(), "user", question, now, { c: conversationId });
      insertMessage.run(randomUUID(), "assistant", answer, now, { c: conversationId });
    });
    return {
      id: `chatcmpl-${conversationId}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
    };
  });
  return { app, db, close: () => db.close() };
}
