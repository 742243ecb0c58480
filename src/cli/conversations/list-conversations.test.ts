import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { findConversation } from "./find-conversation.js";
import { listConversations } from "./list-conversations.js";

const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-list-conversations-")), "alambique.db"));
afterAll(() => store.close());

describe("conversations list and show's lookup", () => {
  it("keep the newest `limit`, oldest of them first, and find one by a prefix of its id", async () => {
    const tenant = await store.tenants.create({ slug: "horno", name: "Horno" });
    const agent = await store.agents.create({ tenantId: tenant.id, name: "rosa", spec: {} });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push(
        (
          await store.conversations.create({
            tenantId: tenant.id,
            agentId: agent.id,
            externalUserId: `c${i}`,
          })
        ).id,
      );
    const { rows, agentNames } = await listConversations(store, tenant.id, { agent: "rosa", limit: 3 });
    expect(rows.map((c) => c.externalUserId)).toEqual(["c7", "c8", "c9"]);
    expect(agentNames.get(agent.id)).toBe("rosa");
    expect((await listConversations(store, tenant.id, { limit: 20 })).rows.map((c) => c.id)).toEqual(ids);

    expect((await findConversation(store, tenant.id, ids[4]!)).externalUserId).toBe("c4");
    const unique = ids[4]!.slice(0, ids[4]!.length - 1);
    expect((await findConversation(store, tenant.id, unique)).id).toBe(ids[4]);
    // UUIDv7s made within a minute share their first 8 characters (their time): a prefix matching several is refused.
    const prefix = ids[0]!.slice(0, 8);
    const sharing = ids.filter((id) => id.startsWith(prefix)).length;
    if (sharing > 1)
      await expect(findConversation(store, tenant.id, prefix)).rejects.toThrow(
        `${prefix} is the start of ${sharing} conversations' ids`,
      );
    else expect((await findConversation(store, tenant.id, prefix)).id).toBe(ids[0]);
  });
});
