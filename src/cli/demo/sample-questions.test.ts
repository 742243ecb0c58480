import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentRuntime } from "../../agents/agent-runtime.js";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { ModelRegistry } from "../../models/model-registry.js";
import type { AgentSpec } from "../../spec/agent.js";
import type { Store } from "../../spec/store.js";
import { openStore } from "../../store/index.js";
import { SAMPLE_QUESTIONS } from "./sample-questions.js";

/**
 * The answers `alambique demo` prints (retrieval mode, no model) say what they
 * must, and the questions issue 13 found answered wrong are answered right.
 */
let dir: string;
let store: Store;
let models: ModelRegistry;
let runtime: AgentRuntime;
let tenantId: string;
let spec: AgentSpec;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-demo-samples-"));
  store = await openStore(join(dir, "alambique.db"));
  tenantId = (await store.tenants.create({ slug: "demo", name: "Demo" })).id;
  ({ spec } = await seedDemoAgent(store, tenantId));
  models = new ModelRegistry({ store });
  runtime = new AgentRuntime({ store, models, now: () => new Date("2026-12-02T09:30:00Z") });
});
afterAll(async () => {
  await runtime.dispose();
  await models.dispose();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (message: string, user: string) =>
  runtime.turn({ tenantId, agent: spec.name, externalUserId: user, message });

describe("the demo's sample answers", () => {
  it.each(SAMPLE_QUESTIONS.map((s, i) => [s.question, s.mustSay, i] as const))(
    "%s → says %s, from the documents",
    async (question, mustSay, i) => {
      const turn = await ask(question, `sample-${i}`);
      expect(turn.mode).toBe("retrieval");
      expect(turn.text).toContain(mustSay);
      expect(turn.citations).toHaveLength(1);
    },
  );

  it("answers the questions issue 13 found wrong, in both languages", async () => {
    expect((await ask("¿A qué hora cerráis hoy?", "closing")).text).toContain(
      "Lunes a viernes: 7:30 – 20:30",
    );
    const complaint = await ask("tengo una queja", "complaint");
    expect(complaint).toMatchObject({ mode: "handoff", status: "waiting_human" });
    expect(complaint.text).toBe(spec.handoff.message && (spec.handoff.message as Record<string, string>).es);
    await ask("Do you deliver to Benimaclet?", "follow-up");
    expect((await ask("how much?", "follow-up")).text).toContain("5.00 €");
    const gluten = await ask("tienen pan sin gluten?", "gluten");
    expect(gluten.text).not.toContain("azúcar");
    expect((await ask("Do you have gluten-free bread?", "gluten-en")).text).not.toContain("Vegan");
  });
});
