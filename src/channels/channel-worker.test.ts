import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ChannelOutboundRow } from "../spec/store.js";
import { openStore } from "../store/open-store.js";
import { ChannelWorker } from "./channel-worker.js";

const store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-channel-worker-")), "alambique.db"));
afterAll(() => store.close());
const tenant = await store.tenants.create({ slug: "horno", name: "Horno" });
const agent = await store.agents.create({ tenantId: tenant.id, name: "rosa", spec: {} });
const channel = await store.channels.create({
  tenantId: tenant.id,
  agentId: agent.id,
  kind: "telegram",
  settings: {},
  sealedSecrets: Buffer.from("sealed"),
});

/** A promise and its resolve, to hold a handler until the test lets it go. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("ChannelWorker", () => {
  it("runs turns while a send waits for its channel's rate, and sends each answer once its turn ends", async () => {
    const sendStarted = gate();
    const release = gate();
    const turned = gate<string>();
    const answered = gate();
    const sent: string[] = [];
    const worker = new ChannelWorker(store, {
      async turn(row) {
        await store.channels.enqueueOutbound({
          channelId: channel.id,
          idempotencyKey: `answer:${row.id}`,
          payload: { text: "answer" },
        });
        turned.open(row.id);
      },
      async send(row: ChannelOutboundRow) {
        sent.push(row.idempotencyKey);
        if (row.idempotencyKey === "slow") {
          sendStarted.open();
          await release.promise;
        }
        await store.channels.settleOutbound(row.id, { sent: `p-${row.id}` });
        if (row.idempotencyKey.startsWith("answer:")) answered.open();
      },
    });
    await store.channels.enqueueOutbound({ channelId: channel.id, idempotencyKey: "slow", payload: {} });
    worker.kick();
    await sendStarted.promise;
    await store.channels.receive({
      channelId: channel.id,
      providerMessageId: "m1",
      payload: { text: "hola" },
    });
    worker.kick();
    const turnedRow = await Promise.race([
      turned.promise,
      new Promise((resolve) => setTimeout(() => resolve("the turn waited for the send"), 5_000)),
    ]);
    expect(turnedRow).not.toBe("the turn waited for the send");
    release.open();
    await answered.promise; // without another kick: the send's drain goes on to the answer
    await worker.stop();
    expect(sent).toEqual(["slow", `answer:${turnedRow}`]);
    expect(await store.channels.listOutbound(channel.id, { status: "queued" })).toEqual([]);
  });
});
