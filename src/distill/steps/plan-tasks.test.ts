import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SynthTask } from "../../spec/distill.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { balancedCells } from "./balanced-cells.js";
import { listAgentChunks } from "./list-agent-chunks.js";
import { planTasks } from "./plan-tasks.js";
import { createRandom } from "./seeded-random.js";
import { type SynthFixture, synthFixture } from "./synth-context.fixture.js";
import { difficultyNames, intentNames, personaNames } from "./synth-grid.js";

let fixture: SynthFixture;
let ctx: SynthContext;

beforeAll(async () => {
  fixture = await synthFixture();
  ctx = await fixture.context();
});
afterAll(async () => fixture?.close());

function countBy(tasks: SynthTask[], axis: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of tasks) {
    const value = JSON.stringify(task.cell[axis]);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

function spread(counts: Map<string, number>): number {
  return Math.max(...counts.values()) - Math.min(...counts.values());
}

describe("planTasks", () => {
  it("is deterministic for a seed: same tasks, same keys, same order", async () => {
    const a = await planTasks(ctx, 120);
    const b = await planTasks(ctx, 120);
    expect(b).toEqual(a);
    const other = await planTasks({ ...ctx, seed: 8 }, 120);
    expect(other.map((t) => t.cell)).not.toEqual(a.map((t) => t.cell));
    expect(new Set(a.map((t) => t.key)).size).toBe(120);
    expect(a.filter((t) => t.kind === "conversation")).toHaveLength(36);
    expect(a[0]!.key).toMatch(/^(qa|conv)-000000-(es|en)-[a-z_]+$/);
  });

  it("balances every axis and every chunk, whatever the count", async () => {
    const chunks = await listAgentChunks(ctx.store, ctx.tenantId, ctx.agent.id);
    for (const count of [7, 61, 250]) {
      const tasks = await planTasks(ctx, count, { conversationShare: 0 });
      expect(tasks).toHaveLength(count);
      for (const axis of ["persona", "intent", "difficulty", "language"])
        expect(spread(countBy(tasks, axis))).toBeLessThanOrEqual(1);
      const perChunk = countBy(tasks, "chunkIds");
      expect(perChunk.size).toBe(Math.min(count, chunks.length));
      expect(spread(perChunk)).toBeLessThanOrEqual(1);
    }
  });

  it("covers the whole grid of personas × intents × difficulties × languages once the count allows", async () => {
    const size = personaNames.length * intentNames.length * difficultyNames.length * 2;
    const tasks = await planTasks(ctx, size, { conversationShare: 0 });
    const combos = new Set(
      tasks.map((t) => [t.cell.persona, t.cell.intent, t.cell.difficulty, t.cell.language].join("/")),
    );
    expect(combos.size).toBe(size);
  });

  it("gives hard cells one or two Evol-Instruct rewrites and conversations a patience", async () => {
    const tasks = await planTasks(ctx, 90);
    for (const task of tasks) {
      const ops = task.cell.evolveOps as string[];
      expect(task.cell.evolve).toBe(ops.length);
      if (task.cell.difficulty === "hard") expect(ops.length).toBeGreaterThanOrEqual(1);
      else expect(ops).toEqual([]);
      expect(new Set(ops).size).toBe(ops.length);
      if (task.kind === "conversation") expect(task.cell.patience).toBeGreaterThanOrEqual(2);
    }
    expect(tasks.some((t) => (t.cell.evolveOps as string[]).length === 2)).toBe(true);
  });

  it("keeps to the agent's languages, refuses a run that shares none, and plans nothing without knowledge", async () => {
    const tasks = await planTasks({ ...ctx, languages: ["en", "fr"] }, 20);
    expect(new Set(tasks.map((t) => t.cell.language))).toEqual(new Set(["en"]));
    await expect(planTasks({ ...ctx, languages: ["fr"] }, 20)).rejects.toMatchObject({
      code: "invalid_request",
    });
    const empty = await fixture.demo.store.agents.create({
      tenantId: ctx.tenantId,
      name: "empty",
      spec: fixture.demo.agent.spec,
    });
    expect(await planTasks({ ...ctx, agent: { ...ctx.agent, id: empty.id } }, 20)).toEqual([]);
  });

  it("plans real conversations, newest first, when asked, interleaved with the grid", async () => {
    const { store } = fixture.demo;
    const ids: string[] = [];
    for (const user of ["u1", "u2", "u3"]) {
      const conversation = await store.conversations.create({
        tenantId: ctx.tenantId,
        agentId: ctx.agent.id,
        externalUserId: user,
      });
      await store.messages.append({ conversationId: conversation.id, role: "user", content: "hola" });
      if (user !== "u2")
        await store.messages.append({
          conversationId: conversation.id,
          role: "assistant",
          content: "¡Hola!",
        });
      ids.push(conversation.id);
    }
    const tasks = await planTasks(ctx, 10, { realShare: 0.5 });
    const real = tasks.filter((t) => t.kind === "real");
    expect(real.map((t) => t.cell.conversationId)).toEqual([ids[2], ids[0]]);
    expect(real.map((t) => t.key)).toEqual(["real-000000", "real-000001"]);
    expect(tasks).toHaveLength(10);
    expect(tasks.findIndex((t) => t.kind === "real")).toBeGreaterThan(0);
  });
});

describe("balancedCells", () => {
  it("plans 100,000 cells quickly, each axis within one of even", () => {
    const started = process.cpuUsage();
    const cells = balancedCells(100_000, ["es", "en"], createRandom(1));
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(3000);
    const personas = new Map<string, number>();
    for (const cell of cells) personas.set(cell.persona, (personas.get(cell.persona) ?? 0) + 1);
    expect(Math.max(...personas.values()) - Math.min(...personas.values())).toBeLessThanOrEqual(1);
  });
});
