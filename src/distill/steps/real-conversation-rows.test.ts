import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthRowSchema } from "../../spec/distill.js";
import { conversationIssues } from "../formats/conversation-issues.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { listAgentChunks } from "./list-agent-chunks.js";
import { realConversationRow, realConversationRows } from "./real-conversation-rows.js";
import { type SynthFixture, synthFixture } from "./synth-context.fixture.js";

let fixture: SynthFixture;
let ctx: SynthContext;

beforeAll(async () => {
  fixture = await synthFixture();
  ctx = await fixture.context();
});
afterAll(async () => fixture?.close());

describe("real conversation rows", () => {
  it("masks personal data, keeps tool calls, ends with a person's reply where one took over, and rebuilds the prompt", async () => {
    const { store } = fixture.demo;
    const [chunk] = await listAgentChunks(store, ctx.tenantId, ctx.agent.id);
    const conversation = await store.conversations.create({
      tenantId: ctx.tenantId,
      agentId: ctx.agent.id,
      externalUserId: "ana",
    });
    const append = (role: "user" | "assistant" | "human", content: string, metadata = {}) =>
      store.messages.append({ conversationId: conversation.id, role, content, metadata });
    await append(
      "user",
      "Soy Ana, ana.garcia@example.com, mi pedido LE-2051 ¿está listo? Llamadme al 612 345 678",
      { language: "es" },
    );
    await append("assistant", "Tu pedido LE-2051 está en el horno, listo a las 17:30 [S1].", {
      language: "es",
      mode: "model",
      retrievedChunkIds: [chunk!.id],
      citations: [{ id: "S1", chunkId: chunk!.id, uri: "x", location: "y" }],
      toolCalls: [
        {
          name: "order_status",
          input: { order_id: "LE-2051", phone: 612345678 },
          output: { status: "baking", email: "ana.garcia@example.com" },
        },
      ],
    });
    await append("user", "quiero hablar con una persona", { language: "es" });
    await append("assistant", "Te paso con una persona del equipo.", { language: "es", mode: "handoff" });
    await append("human", "Hola Ana, soy Marta: te llamo al 612 345 678 ahora.", { staff: "Marta" });
    await append("user", "gracias Marta");

    const row = await realConversationRow(ctx, conversation.id, "real-000000");
    expect(synthRowSchema.safeParse(row).error).toBeUndefined();
    expect(conversationIssues(row.messages)).toEqual([]);
    expect(row.messages.map((m) => (m.role === "assistant" && m.tool_calls ? "calls" : m.role))).toEqual([
      "system",
      "user",
      "calls",
      "tool",
      "assistant",
      "user",
      "assistant",
    ]);
    // The person's reply is the target of the turn the agent handed over; their own name is masked.
    expect(row.messages.slice(-2)).toEqual([
      { role: "user", content: "quiero hablar con una persona" },
      { role: "assistant", content: "Hola Ana, soy [name]: te llamo al [phone] ahora." },
    ]);
    expect(row.provenance.signals).toEqual(["takeover"]);
    const text = JSON.stringify(row.messages);
    expect(text).not.toContain("ana.garcia@example.com");
    expect(text).not.toContain("612 345 678");
    expect(text).not.toContain("612345678");
    expect(text).not.toContain("Marta");
    expect(row.messages[1]).toEqual({
      role: "user",
      content: "Soy Ana, [email], mi pedido LE-2051 ¿está listo? Llamadme al [phone]",
    });
    const call = row.messages[2]!;
    expect(call.role === "assistant" && JSON.parse(call.tool_calls![0]!.function.arguments)).toEqual({
      order_id: "LE-2051",
      phone: "[phone]",
    });
    expect(row.messages[0]!.content).toContain("S1");
    expect(row.provenance).toMatchObject({
      kind: "real",
      conversationId: conversation.id,
      language: "es",
      chunkIds: [chunk!.id],
    });

    const rows = await realConversationRows(ctx, 5);
    expect(rows.map((r) => r.provenance.conversationId)).toEqual([conversation.id]);
  });

  it("refuses a conversation with no answer to learn from, without retrying", async () => {
    const { store } = fixture.demo;
    const conversation = await store.conversations.create({
      tenantId: ctx.tenantId,
      agentId: ctx.agent.id,
      externalUserId: "bob",
    });
    await store.messages.append({ conversationId: conversation.id, role: "user", content: "hola?" });
    await expect(realConversationRow(ctx, conversation.id, "real-1")).rejects.toMatchObject({
      code: "conversation_unusable",
      retryable: false,
    });
    await expect(realConversationRow(ctx, "missing", "real-2")).rejects.toMatchObject({
      code: "conversation_unusable",
    });
  });
});
