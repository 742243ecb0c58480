import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthRowSchema } from "../../spec/distill.js";
import { conversationIssues } from "../formats/conversation-issues.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { planTasks } from "./plan-tasks.js";
import { runConversationTask } from "./run-conversation-task.js";
import { quickStepOptions, type SynthFixture, synthFixture } from "./synth-context.fixture.js";

let fixture: SynthFixture;
let ctx: SynthContext;

beforeAll(async () => {
  fixture = await synthFixture();
  ctx = await fixture.context();
});
afterAll(async () => fixture?.close());

describe("runConversationTask with a forged teacher", () => {
  it("records simulated conversations with the agent's dry-run tools as valid OpenAI messages", async () => {
    const planned = await planTasks(ctx, 30, { conversationShare: 1 });
    // With these seeds, task 15's agent hands off to a person.
    const tasks = [...planned.slice(0, 4), planned[15]!];
    let toolRounds = 0;
    let handoffs = 0;
    const toolNames = new Set([
      "search_knowledge",
      "handoff_to_human",
      "create_ticket",
      "business_hours",
      "order_status",
    ]);
    for (const task of tasks) {
      const row = await runConversationTask(ctx, task, quickStepOptions);
      expect(synthRowSchema.safeParse(row).error).toBeUndefined();
      expect(row.key).toBe(task.key);
      expect(row.provenance).toMatchObject({
        kind: "conversation",
        intent: task.cell.intent,
        language: task.cell.language,
      });
      if (row.dropped !== null) {
        expect(["invalid_output", "low_groundedness"]).toContain(row.dropped);
        continue;
      }
      expect(row.messages[0]!.role).toBe("system");
      expect(row.messages[1]!.role).toBe("user");
      expect(row.messages.at(-1)).toMatchObject({ role: "assistant", content: expect.any(String) });
      expect(conversationIssues(row.messages)).toEqual([]);
      const users = row.messages.filter((m) => m.role === "user").length;
      expect(users).toBeLessThanOrEqual(task.cell.patience as number);
      for (const m of row.messages)
        if (m.role === "assistant" && m.tool_calls) {
          toolRounds++;
          for (const call of m.tool_calls) expect(toolNames).toContain(call.function.name);
        }
      const handoff = row.messages.findIndex(
        (m) => m.role === "assistant" && m.tool_calls?.some((c) => c.function.name === "handoff_to_human"),
      );
      if (handoff >= 0) {
        handoffs++;
        // The conversation ends with the agent's answer right after the hand-off.
        expect(row.messages.slice(handoff + 1).map((m) => m.role)).toEqual([
          ...row.messages.slice(handoff + 1, -1).map(() => "tool"),
          "assistant",
        ]);
      }
      const orderCalls = new Set(
        row.messages.flatMap((m) =>
          m.role === "assistant"
            ? (m.tool_calls ?? []).filter((c) => c.function.name === "order_status").map((c) => c.id)
            : [],
        ),
      );
      for (const m of row.messages)
        if (m.role === "tool" && orderCalls.has(m.tool_call_id))
          expect(m.content).toContain('"simulated":true');
    }
    // These seeds make the forged agent call order_status (a POST webhook: simulated, never sent) and hand off.
    expect(toolRounds).toBeGreaterThan(0);
    expect(handoffs).toBeGreaterThan(0);
    // Dry run: nothing the tools would write was written.
    expect(await fixture.demo.store.tickets.list(fixture.demo.tenant.id)).toEqual([]);
    expect(await fixture.demo.store.conversations.list(fixture.demo.tenant.id)).toEqual([]);
  });
});
