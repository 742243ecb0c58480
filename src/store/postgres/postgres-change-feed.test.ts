import { expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { defaultTenant } from "../default-tenant.js";
import { openStore } from "../open-store.js";
import { PostgresChangeFeed } from "./postgres-change-feed.js";
import { describePostgres, freshPostgresUrl, raw } from "./postgres-test-server.fixture.js";

describePostgres("PostgreSQL change feed", () => {
  it("wakes a tenant's followers on every committed change, not another tenant's, and again after a lost connection", async () => {
    const url = await freshPostgresUrl("feed");
    const store = await openStore(url);
    const tenant = await defaultTenant(store);
    const other = await store.tenants.create({ slug: "other", name: "other" });
    const { agent } = await seedDemoAgent(store, tenant.id);
    const errors: Error[] = [];
    const feed = new PostgresChangeFeed({ url, onError: (error) => errors.push(error) });
    try {
      await feed.ready();
      let mine = 0;
      let theirs = 0;
      const unfollow = feed.follow(tenant.id, () => mine++);
      feed.follow(other.id, () => theirs++);

      const conversation = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "ana",
      });
      await expect.poll(() => mine).toBe(1);
      await store.messages.append({ conversationId: conversation.id, role: "user", content: "hola" });
      await expect.poll(() => mine).toBe(2);
      // A change rolled back is never heard.
      await store
        .transaction(async (tx) => {
          await tx.conversations.setStatus(tenant.id, conversation.id, "human");
          throw new Error("undo");
        })
        .catch(() => {});
      await store.conversations.setStatus(tenant.id, conversation.id, "closed");
      await expect.poll(() => mine).toBe(3);
      expect(theirs).toBe(0);

      // The server drops the LISTEN connection: the feed opens another and wakes everyone once.
      await raw(url, (c) =>
        c.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'alambique-feed'",
        ),
      );
      await expect.poll(() => theirs, { timeout: 10_000 }).toBe(1);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      await expect.poll(() => mine).toBe(4);
      await store.conversations.setStatus(tenant.id, conversation.id, "bot");
      await expect.poll(() => mine).toBe(5);

      unfollow();
      await store.conversations.setStatus(tenant.id, conversation.id, "closed");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mine).toBe(5);
    } finally {
      await feed.close();
      await store.close();
    }
  }, 60_000);
});
