import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChannelWindowClosedError } from "../spec/channel-errors.js";
import type { Store } from "../spec/store.js";
import { openStore } from "../store/open-store.js";
import { assertWindowOpen } from "./customer-service-window.js";
import { LastCustomerMessages } from "./last-customer-messages.js";
import { makeChannel } from "./make-channel.js";

const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-last-customer-")), "alambique.db"));
afterAll(() => store.close());
const tenant = await store.tenants.create({ slug: "horno", name: "Horno" });
const agent = await store.agents.create({ tenantId: tenant.id, name: "rosa", spec: {} });
const whatsapp = makeChannel(
  "whatsapp",
  { phoneNumberId: "123" },
  { accessToken: "token-1234567", appSecret: "secret-12", verifyToken: "verify-12" },
);
const DAY_MS = 24 * 3_600_000;

describe("the customer-service window, read incrementally", () => {
  it("opens with each customer message, closes a day after the last, reading only what was added", async () => {
    let read = 0;
    const counting: Pick<Store, "messages"> = {
      messages: {
        ...store.messages,
        list: async (id, options) => {
          const rows = await store.messages.list(id, options);
          read += rows.length;
          return rows;
        },
      },
    };
    const customers = new LastCustomerMessages(counting);
    const { id } = await store.conversations.create({
      tenantId: tenant.id,
      agentId: agent.id,
      externalUserId: "c",
    });
    const check = (now: Date) => assertWindowOpen(store, whatsapp, id, now, customers);

    await expect(check(new Date())).rejects.toSatisfy(ChannelWindowClosedError.isInstance);
    const first = await store.messages.append({ conversationId: id, role: "user", content: "¿Abrís hoy?" });
    await store.messages.append({ conversationId: id, role: "assistant", content: "Sí, hasta las 20:00." });
    await check(new Date(Date.parse(first.createdAt) + DAY_MS - 1000));
    await expect(check(new Date(Date.parse(first.createdAt) + DAY_MS + 1000))).rejects.toThrow(
      first.createdAt,
    );
    expect(read).toBe(2);

    const second = await store.messages.append({ conversationId: id, role: "user", content: "¿Y mañana?" });
    await check(new Date(Date.parse(second.createdAt) + DAY_MS - 1000));
    expect(await customers.at(id)).toBe(second.createdAt);
    expect(read, "only the message added since").toBe(3);
    // Without a memory, the whole conversation is read, with the same answer.
    await assertWindowOpen(store, whatsapp, id, new Date(Date.parse(second.createdAt) + 1000));
  });
});
