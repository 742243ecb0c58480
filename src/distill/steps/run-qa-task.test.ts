import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { citedIds } from "../../agents/assemble-prompt.js";
import { synthRowSchema } from "../../spec/distill.js";
import { conversationIssues } from "../formats/conversation-issues.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { planTasks } from "./plan-tasks.js";
import { runQaTask } from "./run-qa-task.js";
import { quickStepOptions, type SynthFixture, synthFixture } from "./synth-context.fixture.js";

let fixture: SynthFixture;
let ctx: SynthContext;

beforeAll(async () => {
  fixture = await synthFixture();
  ctx = await fixture.context();
});
afterAll(async () => fixture?.close());

describe("runQaTask with a forged teacher", () => {
  it("turns planned cells into valid rows: the runtime's prompt, a question, a grounded answer", async () => {
    const tasks = (await planTasks(ctx, 40, { conversationShare: 0 })).filter((t) => t.kind === "qa");
    const picked = [
      tasks.find((t) => t.cell.difficulty === "hard")!,
      ...tasks.filter((t) => t.cell.difficulty !== "hard").slice(0, 2),
    ];
    for (const task of picked) {
      const row = await runQaTask(ctx, task, quickStepOptions);
      expect(synthRowSchema.safeParse(row).error).toBeUndefined();
      expect(row.key).toBe(task.key);
      expect(row.provenance).toMatchObject({
        kind: "qa",
        persona: task.cell.persona,
        intent: task.cell.intent,
        difficulty: task.cell.difficulty,
        language: task.cell.language,
        evolved: task.cell.evolve,
        teacher: "forged-4k",
        seed: 7,
      });
      expect(row.provenance.chunkIds[0]).toBe((task.cell.chunkIds as string[])[0]);
      if (row.dropped === null) {
        expect(row.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
        expect(row.messages[0]!.content).toContain("Panadería La Espiga");
        expect(conversationIssues(row.messages)).toEqual([]);
        // Every citation in the answer names a passage of the prompt, and its chunk is in the provenance.
        for (const id of citedIds(row.messages[2]!.content ?? ""))
          expect(row.messages[0]!.content).toContain(`<data source="${id} `);
      } else {
        expect(["invalid_output", "low_groundedness"]).toContain(row.dropped);
        expect(row.dropDetail).toBeTruthy();
      }
    }
  });

  it("refuses a task whose chunk is gone, without retrying", async () => {
    const [task] = await planTasks(ctx, 1, { conversationShare: 0 });
    const gone = { ...task!, cell: { ...task!.cell, chunkIds: ["no-such-chunk"] } };
    await expect(runQaTask(ctx, gone, quickStepOptions)).rejects.toMatchObject({
      code: "chunk_gone",
      retryable: false,
    });
  });
});
