/**
 * Two `alambique serve` replicas on one PostgreSQL database share what one
 * server keeps for itself: a key's rate limit holds across them (the buckets
 * are rows, src/store/postgres/postgres-rate-limits.ts), one replica's live
 * inbox sees the turns the other answers at once (LISTEN/NOTIFY,
 * src/store/postgres/postgres-change-feed.ts, not its 5 s fallback poll), and
 * a customer held by another replica is refused with `Retry-After`, and a
 * tenant's daily token budget spent elsewhere refuses turns on both at once
 * (src/store/postgres/postgres-token-budgets.ts).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { spawnCli } from "../../cli/cli-process.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import {
  describePostgres,
  freshPostgresUrl,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { turnLockId } from "../../store/postgres/postgres-turn-lock.js";

/** `data:` events of an SSE response, as they arrive, each with the time it arrived. */
function readEvents(res: Response) {
  const events: { at: number; event: Record<string, unknown> }[] = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith("data: ")) events.push({ at: Date.now(), event: JSON.parse(block.slice(6)) });
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return { events, done };
}

describePostgres("serve replicas sharing limits and live events on PostgreSQL", () => {
  it("holds a key's rate limit and a tenant's token budget across replicas, wakes the other's inbox, and says when to retry", async () => {
    const url = await freshPostgresUrl("shared");
    const store = await openStore(url);
    const tenant = await defaultTenant(store);
    const { agent } = await seedDemoAgent(store, tenant.id);
    const admin = (name: string) => store.apiKeys.create({ tenantId: tenant.id, name, scopes: ["admin"] });
    const { secret: limited } = await admin("limited");
    const { secret: chats, key: chatsKey } = await admin("chats");
    const { secret: inbox } = await admin("inbox");
    const { secret: spender } = await admin("spender");
    const data = mkdtempSync(join(tmpdir(), "alq-shared-"));
    const config = join(data, "alambique.yaml");
    // 6 a minute: one token back every 10 s, far longer than the burst takes to send.
    writeFileSync(config, "server:\n  limits:\n    requestsPerMinute: 6\n    dailyTokens: 1000\n");
    const replicas = [0, 1].map(() =>
      spawnCli(
        ["serve", "--port", "0", "--config", config, "--data", mkdtempSync(join(tmpdir(), "alq-shared-"))],
        { DATABASE_URL: url, ALAMBIQUE_TURN_LOCK_WAIT_MS: "1000" },
      ),
    );
    try {
      const bases = await Promise.all(
        replicas.map(
          async (r) => /serving (http:\/\/\S+)\/v1/.exec(await r.waitFor(/Press Ctrl-C/, 60_000))![1]!,
        ),
      );
      const get = (base: string, path: string, secret: string, signal?: AbortSignal) =>
        fetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${secret}` },
          ...(signal ? { signal } : {}),
        });

      // One key, sent to each replica in turn: 6 pass in all, not 6 on each.
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await get(bases[i % 2]!, "/v1/models", limited)).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
      const refused = await get(bases[1]!, "/v1/models", limited);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

      // Replica 0's inbox, replica 1's turns: each turn is seen at once, not at the next poll (every 5 s with a
      // feed, every 1 s without: five turns all seen within 500 ms would happen by chance 1 time in 32).
      const stop = new AbortController();
      const stream = readEvents(
        await get(bases[0]!, "/api/conversation-events?wait=120", inbox, stop.signal),
      );
      await expect
        .poll(() => stream.events.some((e) => e.event.type === "ready"), { timeout: 10_000 })
        .toBe(true);
      const delays: number[] = [];
      for (const user of ["carla", "dani", "eva", "fede", "gala"]) {
        const answer = await fetch(`${bases[1]}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${chats}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "agent:la-espiga",
            user,
            messages: [{ role: "user", content: "¿Abrís hoy?" }],
          }),
        });
        const answered = Date.now();
        expect(answer.status).toBe(200);
        const id = ((await answer.json()) as { choices: { alambique: { conversation_id: string } }[] })
          .choices[0]!.alambique.conversation_id;
        const final = (await store.conversations.get(tenant.id, id))!.updatedAt;
        const seen = () =>
          stream.events.find(
            (e) =>
              e.event.type === "conversation" &&
              (e.event.conversation as { id: string; updatedAt: string }).id === id &&
              (e.event.conversation as { updatedAt: string }).updatedAt === final,
          );
        await expect.poll(() => seen() !== undefined, { timeout: 10_000, interval: 20 }).toBe(true);
        delays.push(Math.max(0, seen()!.at - answered));
      }
      expect(Math.max(...delays), `delays ${delays.join(", ")} ms`).toBeLessThan(500);
      stop.abort();
      await stream.done;

      // Another session holds a customer: the replica refuses with 409 and says when to retry.
      const turnKey = `${agent.id}\u0000key:${chatsKey.id}:fran`;
      await raw(url, async (holder) => {
        await holder.query("SELECT pg_advisory_lock($1::bigint)", [turnLockId(turnKey)]);
        const busy = await fetch(`${bases[0]}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${chats}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "agent:la-espiga",
            user: "fran",
            messages: [{ role: "user", content: "¿Hola?" }],
          }),
        });
        expect(busy.status).toBe(409);
        expect(busy.headers.get("retry-after")).toBe("2");
        await holder.query("SELECT pg_advisory_unlock($1::bigint)", [turnLockId(turnKey)]);
      });

      // The tenant's budget: each replica admits a turn, then the day's 1 000 tokens are spent (as by a third
      // process); the very next turn on either replica is refused, not one read of the count later.
      const turn = (base: string, user: string) =>
        fetch(`${base}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${spender}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "agent:la-espiga",
            user,
            messages: [{ role: "user", content: "¿Hola?" }],
          }),
        });
      expect((await turn(bases[0]!, "gil")).status).toBe(200);
      expect((await turn(bases[1]!, "hugo")).status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      await raw(url, (c) =>
        c.query(
          `INSERT INTO tenant_usage (tenant_id, day, tokens) VALUES ($1, $2, 1000)
           ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = 1000`,
          [tenant.id, today],
        ),
      );
      for (const [i, user] of ["gil", "hugo"].entries()) {
        const spent = await turn(bases[i]!, user);
        expect(spent.status).toBe(429);
        expect(((await spent.json()) as { error: { code: string } }).error.code).toBe("insufficient_quota");
      }
    } finally {
      for (const replica of replicas) replica.child.kill("SIGTERM");
      await Promise.all(replicas.map((r) => r.exited));
      await store.close();
    }
  }, 180_000);
});
