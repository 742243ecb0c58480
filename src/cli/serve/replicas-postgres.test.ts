/**
 * Two `alambique serve` replicas on one PostgreSQL database: one customer's
 * messages sent to both at once are answered one after the other (the
 * per-customer advisory lock, src/store/postgres/postgres-turn-lock.ts, on top
 * of each process's own queue). While another session holds that customer's
 * lock, a replica does not answer, and past the wait it says
 * `conversation_busy` (409) instead of hanging.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import {
  describePostgres,
  freshPostgresUrl,
  raw,
} from "../../store/postgres/postgres-test-server.fixture.js";
import { turnLockId } from "../../store/postgres/postgres-turn-lock.js";
import { spawnCli } from "../cli-process.fixture.js";

describePostgres("two serve replicas on one PostgreSQL", () => {
  it("answers one customer's concurrent messages one after the other, and 409s past the lock's wait", async () => {
    const url = await freshPostgresUrl("replicas");
    const store = await openStore(url);
    const tenant = await defaultTenant(store);
    const { agent } = await seedDemoAgent(store, tenant.id);
    const { key, secret } = await store.apiKeys.create({
      tenantId: tenant.id,
      name: "ops",
      scopes: ["admin"],
    });
    const replicas = [0, 1].map(() =>
      spawnCli(["serve", "--port", "0", "--data", mkdtempSync(join(tmpdir(), "alq-replica-"))], {
        DATABASE_URL: url,
        ALAMBIQUE_TURN_LOCK_WAIT_MS: "1500",
      }),
    );
    try {
      const bases = await Promise.all(
        replicas.map(
          async (r) => /serving (http:\/\/\S+)\/v1/.exec(await r.waitFor(/Press Ctrl-C/, 60_000))![1]!,
        ),
      );
      const ask = (base: string, content: string, user = "ana") =>
        fetch(`${base}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "agent:la-espiga", user, messages: [{ role: "user", content }] }),
        });

      const answers = await Promise.all([
        ask(bases[0]!, "¿Hacéis envíos a Benimaclet?"),
        ask(bases[1]!, "¿A qué hora abrís el domingo?"),
        ask(bases[0]!, "¿Tenéis pan sin gluten?"),
        ask(bases[1]!, "¿Aceptáis tarjeta?"),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const ids = new Set(
        await Promise.all(
          answers.map(
            async (a) =>
              ((await a.json()) as { choices: { alambique: { conversation_id: string } }[] }).choices[0]!
                .alambique.conversation_id,
          ),
        ),
      );
      expect(ids.size).toBe(1);
      const messages = await store.messages.list([...ids][0]!);
      expect(messages.map((m) => m.role)).toEqual([
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
      ]);

      // Another session holds Ana's lock: no replica answers her until it lets go, and past the wait it is 409.
      const turnKey = `${agent.id}\u0000key:${key.id}:ana`;
      await raw(url, async (holder) => {
        await holder.query("SELECT pg_advisory_lock($1::bigint)", [turnLockId(turnKey)]);
        const started = Date.now();
        const refused = await ask(bases[1]!, "¿Seguís ahí?");
        expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
        expect(refused.status).toBe(409);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("conversation_busy");
        // Another customer is not held up.
        expect((await ask(bases[1]!, "¿Abrís hoy?", "bruno")).status).toBe(200);
        const waiting = ask(bases[0]!, "¿Seguís ahí?");
        await new Promise((resolve) => setTimeout(resolve, 500));
        await holder.query("SELECT pg_advisory_unlock($1::bigint)", [turnLockId(turnKey)]);
        expect((await waiting).status).toBe(200);
      });
    } finally {
      for (const replica of replicas) replica.child.kill("SIGTERM");
      await Promise.all(replicas.map((r) => r.exited));
      await store.close();
    }
  }, 180_000);
});
