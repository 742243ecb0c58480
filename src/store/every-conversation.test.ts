import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { everyConversation } from "./every-conversation.js";
import { openStore } from "./open-store.js";

const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-every-conversation-")), "alambique.db"));
afterAll(() => store.close());

describe("everyConversation", () => {
  it("walks past a page's end, oldest first, each once, keeping the filter and the tenant", async () => {
    const tenant = await store.tenants.create({ slug: "panaderia", name: "Panadería" });
    const other = await store.tenants.create({ slug: "otra", name: "Otra" });
    const [rosa, lola] = await Promise.all(
      ["rosa", "lola"].map((name) => store.agents.create({ tenantId: tenant.id, name, spec: {} })),
    );
    const stranger = await store.agents.create({ tenantId: other.id, name: "rosa", spec: {} });
    await store.conversations.create({ tenantId: other.id, agentId: stranger.id, externalUserId: "x" });
    const created: string[] = [];
    // More than one page (500) of rosa's, and lola's between them.
    for (let i = 0; i < 503; i++) {
      const agentId = i % 100 === 7 ? lola!.id : rosa!.id;
      created.push(
        (await store.conversations.create({ tenantId: tenant.id, agentId, externalUserId: `c${i}` })).id,
      );
    }
    const all: string[] = [];
    for await (const conversation of everyConversation(store, tenant.id)) all.push(conversation.id);
    expect(all).toEqual(created);

    const lolas: string[] = [];
    for await (const conversation of everyConversation(store, tenant.id, { agentId: lola!.id }))
      lolas.push(conversation.externalUserId);
    expect(lolas).toEqual(["c7", "c107", "c207", "c307", "c407"]);
  });
});
