/**
 * Test fixture for the distillation loop: the demo bakery in a real SQLite
 * store with its knowledge and the forged teacher (`forged-teacher`), a
 * forged F32 base (`tiny-base`, seed 3) a student trains from, and an F16
 * one that cannot train (`f16-base`). The agent's gate is `gate`: the
 * default is one any scorecard with a judged answer meets, so a test decides
 * whether the loop promotes. The models speak nonsense; the mechanics are real.
 */

import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import type { EvalGate } from "../../spec/evaluation.js";
import type { JsonValue } from "../../spec/json.js";
import type { Store } from "../../spec/store.js";
import { type DemoSynthStore, demoSynthStore } from "../pipeline/synth-test.fixture.js";

export { FORGED_TEACHER } from "../pipeline/synth-test.fixture.js";
export const TINY_BASE = "tiny-base";
export const F16_BASE = "f16-base";

/** Met by any scorecard that has judged answers and comparisons. */
export const OPEN_GATE: EvalGate = {
  minRubricRatio: 0,
  minWinOrTie: 0,
  maxToolAccuracyDrop: 100,
  maxPolicyRegressions: 1000,
};
/** Met by no scorecard (stored directly: saving an agent refuses it). */
export const SHUT_GATE: EvalGate = { ...OPEN_GATE, minRubricRatio: 5, minWinOrTie: 1 };

/** The smallest loop that still holds out a test row: for tests, with the fewest model calls and windows. */
export const SMALL_LOOP = { rows: 10, contextLength: 256, maxTokens: 24 } as const;

export async function distillDemoStore(dir?: string, gate: EvalGate = OPEN_GATE): Promise<DemoSynthStore> {
  const demo = await demoSynthStore(dir);
  await addBase(demo.store, TINY_BASE, await forgedModelPath("tiny", 3));
  await addBase(demo.store, F16_BASE, await forgedModelPath("small", 1));
  await setGate(demo, gate);
  return demo;
}

export async function setGate(demo: Pick<DemoSynthStore, "store" | "tenant" | "agent">, gate: EvalGate) {
  const { store, tenant, agent } = demo;
  const current = (await store.agents.get(tenant.id, agent.id))!;
  await store.agents.update(tenant.id, agent.id, {
    ...current.spec,
    evaluation: { gate },
  } as unknown as Record<string, JsonValue>);
}

/** Adds the GGUF at `path` to the catalog as `name`: a local base under Apache-2.0. */
export async function addBase(store: Store, name: string, path: string): Promise<void> {
  await store.models.add({
    name,
    source: `gguf:${path}`,
    architecture: "llama",
    parameterCount: null,
    quantization: null,
    contextLength: 4096,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: { threads: 1, contextSize: 4096 },
  });
}
