import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../store/open-store.js";
import { ChannelConfigs } from "./channel-configs.js";
import { OpenedChannels } from "./opened-channels.js";

const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-opened-channels-")), "alambique.db"));
afterAll(() => store.close());
const tenant = await store.tenants.create({ slug: "horno", name: "Horno" });
const agent = await store.agents.create({ tenantId: tenant.id, name: "rosa", spec: {} });

describe("OpenedChannels", () => {
  it("keeps a channel's opened configuration while its record is the same, and opens a changed one again", async () => {
    const configs = new ChannelConfigs(store, () => randomBytes(32).toString("base64"));
    const { record } = await configs.add({
      tenantId: tenant.id,
      agentId: agent.id,
      kind: "telegram",
      secrets: { botToken: "123456:abcdefghijklmnopqrstuvwxyz" },
    });
    const opened = new OpenedChannels(configs);
    const channel = opened.open(record);
    expect(opened.open((await store.channels.find(record.id))!)).toBe(channel);
    const changed = { ...record, updatedAt: new Date(Date.parse(record.updatedAt) + 1).toISOString() };
    const reopened = opened.open(changed);
    expect(reopened).not.toBe(channel);
    expect(reopened.kind).toBe("telegram");
    opened.forget(record.id);
    expect(opened.open(changed)).not.toBe(reopened);
  });
});
